/**
 * @module The documents a command was given: files as named, and every supported document
 * found in the directories named, recursively. Whether a file in a directory is a document is
 * decided by sniffing its first bytes (a PDF named `.txt` is read); a file named like a document
 * is always taken, so that a damaged one or a HEIC named `.jpg` ends as a reported failure.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { sniffFormat } from '../document/pages/sniff.js';

// A file in a folder that is named like a document is taken as one, so that a damaged or
// mislabelled invoice is reported as a failure with its code instead of being skipped quietly.
const DOCUMENT_EXTENSIONS = new Set(['.pdf', '.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp']);

/** Bytes read to sniff a file: enough for every signature, PDF's 1 KiB window included. */
const SNIFF_BYTES = 1024 + 8;

/** An input that could not be used at all (missing path). */
export interface InputProblem {
  path: string;
  code: string;
  message: string;
}

/** What a command was given, sorted out. */
export interface CollectedInputs {
  /** Files to read, in the order given (directory contents sorted by name). */
  files: string[];
  /** Files found in directories that are not documents Lectern reads (left out). */
  skipped: string[];
  /** Inputs that could not be used at all. */
  problems: InputProblem[];
}

/** The documents named by `paths` (files, or directories walked recursively). */
export async function collectDocuments(paths: string[]): Promise<CollectedInputs> {
  const collected: CollectedInputs = { files: [], skipped: [], problems: [] };
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      collected.problems.push({ path, code: 'NOT_FOUND', message: 'no such file or directory' });
    } else if (info.isDirectory()) {
      await walk(path, collected);
    } else {
      collected.files.push(path);
    }
  }
  return { ...collected, files: [...new Set(collected.files)] };
}

async function walk(directory: string, collected: CollectedInputs): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) await walk(path, collected);
    else if (!entry.isFile()) continue;
    else if (DOCUMENT_EXTENSIONS.has(extname(entry.name).toLowerCase())) collected.files.push(path);
    else if (await isDocument(path)) collected.files.push(path);
    else collected.skipped.push(path);
  }
}

/** Whether the file's first bytes are those of a format Lectern reads. */
export async function isDocument(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
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
 * extension (`000.jpg.json`, `000.png.json`), so no output ever overwrites another.
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
    result.set(file, join(outDir, `${name}${suffix}`));
  });
  return result;
}

function commonDirectory(directories: string[]): string {
  const split = directories.map((directory) => directory.split(sep));
  const first = split[0] ?? [];
  let depth = 0;
  while (depth < first.length && split.every((parts) => parts[depth] === first[depth])) depth += 1;
  return first.slice(0, depth).join(sep) || sep;
}
