/**
 * `lectern read` as a user runs it: the built command (bin/lectern.js, so `npm run build`
 * first) on real documents, with --out, one of them broken, one truncated.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SROIE = '../shared/data/sroie';
const TRUNCATED = '../shared/cases/c24-truncated-45pct.jpg';
const ready = existsSync(SROIE) && existsSync('dist/cli/main.js');

describe.skipIf(!ready)('lectern read', () => {
  let root = '';

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'lectern-cli-'));
    mkdirSync(join(root, 'in', 'a'), { recursive: true });
    mkdirSync(join(root, 'in', 'b'), { recursive: true });
    copyFileSync(`${SROIE}/img/000.jpg`, join(root, 'in', 'a', '000.jpg'));
    copyFileSync(`${SROIE}/img/014.jpg`, join(root, 'in', 'b', '000.jpg'));
    writeFileSync(join(root, 'in', 'broken.jpg'), '');
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('writes one file per document keeping the folders, reports the bad one and exits non-zero', () => {
    const out = join(root, 'out');
    const run = spawnSync(
      process.execPath,
      [
        'bin/lectern.js',
        'read',
        join(root, 'in', 'a', '000.jpg'),
        join(root, 'in', 'b'),
        join(root, 'in', 'broken.jpg'),
        '--out',
        out,
      ],
      { encoding: 'utf8' },
    );

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${join(root, 'in', 'broken.jpg')}: EMPTY_DOCUMENT:`);
    const a = JSON.parse(readFileSync(join(out, 'a', '000.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(out, 'b', '000.json'), 'utf8'));
    expect(a.document.name).toBe(join(root, 'in', 'a', '000.jpg'));
    expect(b.document.name).toBe(join(root, 'in', 'b', '000.jpg'));
    expect(a.document.sha256).not.toBe(b.document.sha256);
    expect(existsSync(join(out, 'broken.json'))).toBe(false);
    // The results went to files: standard output stays empty, the summary is on stderr.
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('documents     3 (2 pages)\nsucceeded     2\npartial       0\n');
    expect(run.stderr).toContain('failed        1 (EMPTY_DOCUMENT x1)\n');
    expect(run.stderr).toMatch(/wall time {5}\d+\.\d\d s\n$/);
  });

  it.skipIf(!existsSync(TRUNCATED))('names a document with a truncated page as partial', () => {
    const out = join(root, 'out-partial');
    const run = spawnSync(process.execPath, ['bin/lectern.js', 'read', TRUNCATED, '--out', out], {
      encoding: 'utf8',
    });

    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${TRUNCATED}: warning: page 1: only partly decoded`);
    expect(run.stderr).toContain(
      `succeeded     0\npartial       1 (${TRUNCATED})\nfailed        0\n`,
    );
    const result = JSON.parse(readFileSync(join(out, 'c24-truncated-45pct.json'), 'utf8'));
    expect(result.pages[0].partial).toBeTruthy();
  });

  it('prints one JSON line per document on stdout without --out, in the format asked', () => {
    const run = spawnSync(
      process.execPath,
      ['bin/lectern.js', 'read', join(root, 'in', 'a'), '--format', 'textract', '--tiles', '2x2'],
      { encoding: 'utf8' },
    );
    const lines = run.stdout.trim().split('\n');

    expect(run.status).toBe(0);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ DocumentMetadata: { Pages: 1 } });
  });

  it('refuses an invalid option naming it, the allowed range and the value', () => {
    const run = spawnSync(process.execPath, ['bin/lectern.js', 'read', root, '--tiles', '0x3'], {
      encoding: 'utf8',
    });

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("option '--tiles <RxC>' argument '0x3' is invalid");
    expect(run.stderr).toContain('from 1 to 10');
  });
});
