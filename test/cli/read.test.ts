/**
 * `lectern read` as a user runs it (the built command, so `npm run build` first): refusing a
 * bad --out before reading, and counting inputs it could not use as failed documents.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireBuild } from '../platform/built.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-cli-read-'));
  dirs.push(dir);
  return dir;
}

function lectern(args: string[]) {
  return spawnSync(process.execPath, ['bin/lectern.js', ...args], { encoding: 'utf8' });
}

describe('lectern read', () => {
  requireBuild('dist/cli/main.js');

  it('refuses an --out below a file before reading anything', () => {
    const root = temporaryDir();
    writeFileSync(join(root, 'file'), '');
    const out = join(root, 'file', 'out');

    const read = lectern(['read', join(root, 'missing.png'), '--out', out]);

    expect(read.status).toBe(1);
    // Not even the missing input is reported: nothing was looked at.
    expect(read.stderr).toBe(
      `lectern: --out ${out}: OUT_NOT_DIRECTORY: a folder on its path is a file\n`,
    );
  });

  it('counts and names the inputs it could not use among the failed documents', () => {
    const root = temporaryDir();
    const empty = join(root, 'empty.jpg');
    const missing = join(root, 'missing.png');
    const loop = join(root, 'loop');
    writeFileSync(empty, '');
    symlinkSync(loop, loop);
    const out = join(root, 'out');

    const read = lectern(['read', empty, missing, loop, '--out', out]);

    expect(read.status).toBe(1);
    const summary = read.stderr.slice(read.stderr.indexOf('documents'));
    expect(summary).toContain('documents     3 (0 pages)\n');
    expect(summary).toContain('failed        3 (EMPTY_DOCUMENT x1, NOT_FOUND x1, SYMLINK_LOOP x1)');
    expect(summary).toContain(`${missing}: NOT_FOUND: no such file or directory\n`);
    expect(summary).toContain(`${loop}: SYMLINK_LOOP: symbolic links loop`);
    expect(summary).toContain(`${empty}: EMPTY_DOCUMENT: the document is empty`);
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);

  it('sums up inputs that were all unusable', () => {
    const root = temporaryDir();
    const missing = join(root, 'missing.png');

    const read = lectern(['read', missing, '--out', join(root, 'out')]);

    expect(read.status).toBe(1);
    expect(read.stderr).toContain('failed        1 (NOT_FOUND x1)\n');
    expect(read.stderr).toContain(
      `              ${missing}: NOT_FOUND: no such file or directory\n`,
    );
  });
});
