/**
 * @module The documents a command was given: files as named, and every supported document
 * found in the directories named, recursively. Whether a file in a directory is a document is
 * decided by sniffing its first bytes (a PDF named `.txt` is read); a file named like a document
 * is always taken, so that a damaged one or a HEIC named `.jpg` ends as a reported failure.
 *
 * Each file is listed once, by its real path: `a.png` and `d/../a.png`, or a file and a link
 * to it, are read once. Symbolic links inside a directory are followed, to files and to
 * directories alike, after everything reached without a link (so a document's own path names
 * its output rather than a link's). Each directory is walked once by its real path, so a link
 * back to an ancestor ends the walk there instead of looping; nothing is lost, since that
 * directory's documents are already listed. A link to a directory outside the inputs is
 * walked too, as `find -L` would.
 *
 * What cannot be examined is a problem naming the path, and the rest is still collected: a
 * directory that cannot be listed or a file of another name that cannot be opened to sniff
 * (UNREADABLE, with the errno), a link that loops (SYMLINK_LOOP) or leads nowhere (NOT_FOUND).
 * An unreadable file named like a document is taken: reading it fails (EACCES) like any other
 * document's failure.
 */
import { createHash } from 'node:crypto';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { sniffFormat } from '../document/pages/sniff.js';
import { failureOf } from '../errors.js';

// A file in a folder that is named like a document is taken as one, so that a damaged or
// mislabelled invoice is reported as a failure with its code instead of being skipped quietly.
const DOCUMENT_EXTENSIONS = new Set(['.pdf', '.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp']);

/** Bytes read to sniff a file: enough for every signature, PDF's 1 KiB window included. */
const SNIFF_BYTES = 1024 + 8;

/** An input, or a part of one, that could not be used (missing, unreadable, looping). */
export interface InputProblem {
  path: string;
  /** NOT_FOUND, SYMLINK_LOOP or UNREADABLE. */
  code: string;
  message: string;
}

/** What a command was given, sorted out. */
export interface CollectedInputs {
  /**
   * Files to read, each once, in the order given (directory contents sorted by name, files
   * reached through a link inside a directory last).
   */
  files: string[];
  /** Files found in directories that are not documents Lectern reads (left out). */
  skipped: string[];
  /** Inputs, or parts of them, that could not be used. */
  problems: InputProblem[];
}

/** The file system calls of a walk; tests inject failures a root user would not meet. */
export interface InputFileSystem {
  stat: typeof stat;
  lstat: typeof lstat;
  readdir: typeof readdir;
  realpath: typeof realpath;
  open: typeof open;
}

const NODE_FILE_SYSTEM: InputFileSystem = { stat, lstat, readdir, realpath, open };

/** The documents named by `paths` (files, or directories walked recursively). */
export async function collectDocuments(
  paths: string[],
  fileSystem: InputFileSystem = NODE_FILE_SYSTEM,
): Promise<CollectedInputs> {
  const collector = new Collector(fileSystem);
  for (const path of paths) await collector.addInput(path);
  await collector.followLinks();
  return collector.collected;
}

class Collector {
  readonly collected: CollectedInputs = { files: [], skipped: [], problems: [] };
  readonly #fs: InputFileSystem;
  /** Real paths of the files listed and of the directories walked. */
  readonly #seen = new Set<string>();
  /** Links met inside directories, followed once no directory is left to walk. */
  readonly #links: string[] = [];

  constructor(fileSystem: InputFileSystem) {
    this.#fs = fileSystem;
  }

  /** A path the user named: a file is taken whatever its name, a directory is walked. */
  async addInput(path: string): Promise<void> {
    const info = await this.#fs.stat(path).catch((error: unknown) => this.#problem(path, error));
    if (!info) return;
    if (info.isDirectory()) await this.#walk(path);
    else await this.#take(path);
  }

  /** Follows the links met in directories, and those met in the directories they lead to. */
  async followLinks(): Promise<void> {
    for (let link = this.#links.shift(); link !== undefined; link = this.#links.shift()) {
      const info = await this.#fs.stat(link).catch((error: unknown) => this.#problem(link, error));
      if (!info) continue;
      if (info.isDirectory()) await this.#walk(link);
      else if (info.isFile()) await this.#found(link);
    }
  }

  async #walk(directory: string): Promise<void> {
    if (!(await this.#firstVisit(directory))) return;
    const entries = await this.#fs
      .readdir(directory, { withFileTypes: true })
      .catch((error: unknown) => this.#problem(directory, error, 'cannot list the folder: '));
    if (!entries) return;

    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isSymbolicLink()) this.#links.push(path);
      else if (entry.isDirectory()) await this.#walk(path);
      // Sockets, pipes and devices are no documents; reading a pipe would wait forever.
      else if (entry.isFile()) await this.#found(path);
    }
  }

  /** A file met in a directory: taken when named or shaped like a document. */
  async #found(path: string): Promise<void> {
    if (DOCUMENT_EXTENSIONS.has(extname(path).toLowerCase())) {
      await this.#take(path);
      return;
    }
    const document = await sniffs(path, this.#fs).catch((error: unknown) =>
      this.#problem(path, error, 'cannot open it to tell whether it is a document: '),
    );
    if (document === true) await this.#take(path);
    else if (document === false) this.collected.skipped.push(path);
  }

  async #take(path: string): Promise<void> {
    if (await this.#firstVisit(path)) this.collected.files.push(path);
  }

  /** Whether `path` is met for the first time, judged by its real path. */
  async #firstVisit(path: string): Promise<boolean> {
    // A path that cannot be resolved was still stat-ed or listed: its own spelling will do.
    const real = await this.#fs.realpath(path).catch(() => resolve(path));
    if (this.#seen.has(real)) return false;
    this.#seen.add(real);
    return true;
  }

  /** Records what went wrong with `path`, once (a loop may be named and met in a folder). */
  async #problem(path: string, error: unknown, context = ''): Promise<undefined> {
    if (this.collected.problems.some((problem) => resolve(problem.path) === resolve(path))) {
      return undefined;
    }
    const { code, message } = problemOf(path, error, context);
    const link = code === 'NOT_FOUND' && (await this.#isLink(path));
    this.collected.problems.push({
      path,
      code,
      message: link ? 'the symbolic link points to nothing' : message,
    });
    return undefined;
  }

  async #isLink(path: string): Promise<boolean> {
    const info = await this.#fs.lstat(path).catch(() => undefined);
    return info?.isSymbolicLink() ?? false;
  }
}

function problemOf(
  path: string,
  error: unknown,
  context: string,
): { code: string; message: string } {
  const { code, message } = failureOf(error, path);
  if (code === 'ENOENT') return { code: 'NOT_FOUND', message: 'no such file or directory' };
  if (code === 'ELOOP') {
    return { code: 'SYMLINK_LOOP', message: 'symbolic links loop without reaching a file' };
  }
  return { code: 'UNREADABLE', message: `${context}${message} (${code})` };
}

/** An input that could not be used, as a failed document of a batch summary. */
export interface UnusableInput {
  document: string;
  code: string;
  message: string;
}

/**
 * What `read` and `run` do first: collect the documents named by `paths`, and tell standard
 * error of each input that could not be used, of the files left out of folders, and that
 * there is nothing to read when neither problem nor document was found. The unusable inputs
 * come back as failed documents, which both commands count in their summaries.
 */
export async function collectAndReport(
  paths: string[],
): Promise<{ files: string[]; unusable: UnusableInput[] }> {
  const { files, skipped, problems } = await collectDocuments(paths);
  for (const problem of problems) {
    process.stderr.write(`lectern: ${problem.path}: ${problem.code}: ${problem.message}\n`);
  }
  const note = skippedNote(skipped);
  if (note) process.stderr.write(`lectern: ${note}\n`);
  if (files.length === 0 && problems.length === 0) {
    process.stderr.write('lectern: no supported documents found\n');
  }
  const unusable = problems.map(({ path, code, message }) => ({ document: path, code, message }));
  return { files, unusable };
}

/** Files named in the note on skipped files; the rest are counted. */
const NAMED_SKIPPED = 3;

/**
 * The note `read` and `run` print on files left out of folders, or nothing when none was.
 * Not a failure: a folder may hold anything. Naming a file explicitly says why it is refused.
 */
export function skippedNote(skipped: string[]): string | undefined {
  if (skipped.length === 0) return undefined;
  const some = skipped.slice(0, NAMED_SKIPPED).join(', ');
  const more = skipped.length > NAMED_SKIPPED ? ', ...' : '';
  return `skipped ${skipped.length} file(s) that are not JPEG, PNG, TIFF, WebP or PDF (${some}${more})`;
}

/** Whether the file's first bytes are those of a format Lectern reads. */
export async function isDocument(path: string): Promise<boolean> {
  return sniffs(path, NODE_FILE_SYSTEM);
}

/** Whether the file's first bytes are those of a format Lectern reads; throws when unreadable. */
async function sniffs(path: string, fileSystem: InputFileSystem): Promise<boolean> {
  const handle = await fileSystem.open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    sniffFormat(buffer.subarray(0, bytesRead), path);
    return true;
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

/**
 * Where each document's output goes under `outDir`: its path relative to the deepest folder
 * holding all inputs, with the extension replaced by `suffix` (`a/000.jpg` gives
 * `a/000.json`). Two inputs that would still collide (`000.jpg` and `000.png`) keep their
 * extension (`000.jpg.json`, `000.png.json`), so no output ever overwrites another. A name
 * past the file systems' 255-byte limit is shortened (see {@link fitName}).
 */
export function outputPaths(files: string[], outDir: string, suffix: string): Map<string, string> {
  const absolute = files.map((file) => resolve(file));
  const base = commonDirectory(absolute.map((file) => dirname(file)));
  const relatives = absolute.map((file) => relative(base, file));
  const stems = relatives.map((path) => join(dirname(path), basename(path, extname(path))));
  const uses = new Map<string, number>();
  for (const stem of stems) uses.set(stem, (uses.get(stem) ?? 0) + 1);

  const result = new Map<string, string>();
  files.forEach((file, i) => {
    const stem = stems[i] as string;
    const name = (uses.get(stem) ?? 0) > 1 ? (relatives[i] as string) : stem;
    const folders =
      dirname(name) === '.'
        ? []
        : dirname(name)
            .split(sep)
            .map((d) => fitName(d));
    result.set(file, join(outDir, ...folders, fitName(basename(name), suffix)));
  });
  return result;
}

/** Bytes in one file name on Linux (NAME_MAX), macOS and Windows file systems alike. */
const MAX_NAME_BYTES = 255;

/** Hex digits of the SHA-256 that end a shortened name: 64 bits, no collision in practice. */
const NAME_HASH_DIGITS = 16;

/**
 * `stem` + `suffix`, or, when that passes {@link MAX_NAME_BYTES} in UTF-8, the stem's start
 * (cut between characters) + `-` + the first hex digits of the SHA-256 of the whole name +
 * `suffix`: readable, and two long names that share their start still differ. Shortcoming: an
 * input deliberately named like another's shortened name (hash included) would collide.
 */
export function fitName(stem: string, suffix = ''): string {
  const whole = `${stem}${suffix}`;
  if (Buffer.byteLength(whole, 'utf8') <= MAX_NAME_BYTES) return whole;

  const hash = createHash('sha256').update(whole, 'utf8').digest('hex');
  const tail = `-${hash.slice(0, NAME_HASH_DIGITS)}${suffix}`;
  let budget = MAX_NAME_BYTES - Buffer.byteLength(tail, 'utf8');
  let start = '';
  // Code points, so that no character is cut in two (a surrogate pair stays whole).
  for (const character of stem) {
    budget -= Buffer.byteLength(character, 'utf8');
    if (budget < 0) break;
    start += character;
  }
  return `${start}${tail}`;
}

function commonDirectory(directories: string[]): string {
  const split = directories.map((directory) => directory.split(sep));
  const first = split[0] ?? [];
  let depth = 0;
  while (depth < first.length && split.every((parts) => parts[depth] === first[depth])) depth += 1;
  return first.slice(0, depth).join(sep) || sep;
}
