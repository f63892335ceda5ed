import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OutDirFileSystem, prepareOutDir } from '../../src/cli/out-dir.js';

/** A system error as Node raises it, for the failures a root user would not meet. */
function systemError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const reason = code === 'EACCES' ? 'permission denied' : 'read-only file system';
  return Object.assign(new Error(`${code}: ${reason}, ${syscall} '${path}'`), {
    code,
    syscall,
    path,
  });
}

describe('prepareOutDir', () => {
  let root = '';
  const fileSystem: OutDirFileSystem = { stat, mkdir, writeFile, rm };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lectern-out-dir-'));
    await writeFile(join(root, 'file'), '');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('makes a nested folder and leaves nothing in it', async () => {
    const out = join(root, 'a', 'b');

    expect(await prepareOutDir(out)).toBeUndefined();

    expect(await readdir(out)).toEqual([]);
  });

  it('refuses an existing file as not a directory', async () => {
    expect(await prepareOutDir(join(root, 'file'))).toEqual({
      code: 'OUT_NOT_DIRECTORY',
      message: 'exists and is not a directory',
    });
  });

  it('refuses a path through a file as not a directory', async () => {
    expect(await prepareOutDir(join(root, 'file', 'x', 'y'))).toEqual({
      code: 'OUT_NOT_DIRECTORY',
      message: 'a folder on its path is a file',
    });
  });

  it('refuses a folder it cannot create, giving the reason and its code once', async () => {
    const out = join(root, 'denied');
    const denied = {
      ...fileSystem,
      mkdir: async () => {
        throw systemError('EACCES', 'mkdir', out);
      },
    } as OutDirFileSystem;

    expect(await prepareOutDir(out, denied)).toEqual({
      code: 'OUT_NOT_WRITABLE',
      message: 'cannot create the folder: permission denied (EACCES)',
    });
  });

  it('refuses a folder it cannot write in, and does not name its probe file', async () => {
    const out = join(root, 'read-only');
    const readOnly = {
      ...fileSystem,
      writeFile: async (path: string) => {
        throw systemError('EROFS', 'open', path);
      },
    } as OutDirFileSystem;

    expect(await prepareOutDir(out, readOnly)).toEqual({
      code: 'OUT_NOT_WRITABLE',
      message: 'cannot write in the folder: read-only file system (EROFS)',
    });
  });
});
