/**
 * @module The `--out` folder of `lectern read` and `lectern run`, made and tried before any
 * document is read: a folder found unusable after the batch would lose every result.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failureOf } from '../errors.js';

/** Why `--out` cannot take the results, with a stable code. */
export interface OutDirProblem {
  /** OUT_NOT_DIRECTORY or OUT_NOT_WRITABLE. */
  code: string;
  message: string;
}

/** The file system calls of the check; tests inject the failures a root user would not meet. */
export interface OutDirFileSystem {
  stat: typeof stat;
  mkdir: typeof mkdir;
  writeFile: typeof writeFile;
  rm: typeof rm;
}

const NODE_FILE_SYSTEM: OutDirFileSystem = { stat, mkdir, writeFile, rm };

/**
 * Makes `out` (and its parents) and writes and removes a file in it; resolves with what went
 * wrong, or nothing when results can be written there. A probe file rather than
 * access(W_OK): it also meets a read-only mount, ACLs and root-squashed network shares.
 */
export async function prepareOutDir(
  out: string,
  fileSystem: OutDirFileSystem = NODE_FILE_SYSTEM,
): Promise<OutDirProblem | undefined> {
  const info = await fileSystem.stat(out).catch(() => undefined);
  if (info && !info.isDirectory()) {
    return { code: 'OUT_NOT_DIRECTORY', message: 'exists and is not a directory' };
  }

  try {
    await fileSystem.mkdir(out, { recursive: true });
  } catch (error) {
    return notMade(error, out);
  }

  const probe = join(out, `.lectern-write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fileSystem.writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    return notWritable('cannot write in the folder', error, probe);
  }
  await fileSystem.rm(probe, { force: true });
  return undefined;
}

/**
 * What `read` and `run` print, before anything else, when `--out` cannot take the results
 * (`lectern: --out <dir>: <code>: <reason>`); nothing when it can or is not given.
 */
export async function outDirRefusal(out: string | undefined): Promise<string | undefined> {
  if (out === undefined) return undefined;
  const problem = await prepareOutDir(out);
  return problem && `lectern: --out ${out}: ${problem.code}: ${problem.message}\n`;
}

function notMade(error: unknown, out: string): OutDirProblem {
  const code = (error as NodeJS.ErrnoException).code;
  // mkdir -p says ENOTDIR or EEXIST when a file stands where one of the folders should be.
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return { code: 'OUT_NOT_DIRECTORY', message: 'a folder on its path is a file' };
  }
  return notWritable('cannot create the folder', error, out);
}

function notWritable(what: string, error: unknown, subject: string): OutDirProblem {
  const { code, message } = failureOf(error, subject);
  return { code: 'OUT_NOT_WRITABLE', message: `${what}: ${message} (${code})` };
}
