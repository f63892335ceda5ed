/**
 * `lectern run` as a user runs it: the built command (bin/lectern.js, so `npm run build`
 * first), refusing a bad --out before any work, counting missing inputs as failed documents,
 * summing up an empty batch, shortening result names past 255 bytes, and cleaning up after
 * SIGINT or SIGTERM.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireBuild } from '../platform/built.js';
import { CASES } from '../workflows/helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-cli-run-'));
  dirs.push(dir);
  return dir;
}

/** Runs the command with its own temporary folder, so that what it leaves there is seen. */
function lectern(args: string[], tmp: string) {
  return spawnSync(process.execPath, ['bin/lectern.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: tmp },
  });
}

describe('lectern run', () => {
  requireBuild('dist/cli/main.js');

  it('refuses an --out that is an existing file before any work, with the code read uses', () => {
    const root = temporaryDir();
    const out = join(root, 'empty.jpg');
    writeFileSync(out, '');

    const run = lectern(['run', 'samples/invoices/i2d_oyo.png', '--out', out], root);

    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `lectern: --out ${out}: OUT_NOT_DIRECTORY: exists and is not a directory\n`,
    );
    // No platform was started: it would have made its state directory here.
    expect(readdirSync(root)).toEqual(['empty.jpg']);
  });

  it('refuses an --out below a file before any work', () => {
    const root = temporaryDir();
    writeFileSync(join(root, 'file'), '');
    const out = join(root, 'file', 'out');

    const run = lectern(['run', 'samples/invoices/i2d_oyo.png', '--out', out], root);

    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `lectern: --out ${out}: OUT_NOT_DIRECTORY: a folder on its path is a file\n`,
    );
    expect(readdirSync(root)).toEqual(['file']);
  });

  it('prints a summary of no document with --json, and notes the files it left out', () => {
    const root = temporaryDir();
    const folder = join(root, 'in');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.txt'), 'not a document');

    const run = lectern(['run', folder, '--json'], root);

    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ documents: 0, succeeded: 0, failed: 0 });
    expect(run.stderr).toBe(
      [
        `lectern: skipped 1 file(s) that are not JPEG, PNG, TIFF, WebP or PDF (${join(folder, 'a.txt')})`,
        'lectern: no supported documents found',
        '',
      ].join('\n'),
    );
  });

  it('writes the result of a document with a 255-byte name under a shortened name', () => {
    const root = temporaryDir();
    const stem = 'M'.repeat(251);
    mkdirSync(join(root, 'in'));
    copyFileSync('samples/invoices/i2d_oyo.png', join(root, 'in', `${stem}.png`));
    const out = join(root, 'out');

    const run = lectern(['run', join(root, 'in'), '--on-premise', '--out', out, '--json'], root);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ documents: 1, succeeded: 1 });
    const [name = ''] = readdirSync(out);
    expect(name).toMatch(/^M+-[0-9a-f]{16}\.json$/);
    expect(Buffer.byteLength(name)).toBe(255);
  }, 60_000);

  it.skipIf(!existsSync(CASES))(
    'counts a missing input as a failed document, names each failure, and says nothing was written',
    () => {
      const root = temporaryDir();
      const empty = join(CASES, 'c20-empty.jpg');
      const missing = join(root, 'missing.png');

      const run = lectern(['run', empty, missing, '--json'], root);

      expect(run.status).toBe(1);
      const summary = JSON.parse(run.stdout);
      expect(summary).toMatchObject({
        documents: 2,
        failed: 2,
        failures: { EMPTY_DOCUMENT: 1, NOT_FOUND: 1 },
        failedDocuments: [
          { document: empty, code: 'EMPTY_DOCUMENT', message: 'the document is empty (0 bytes)' },
          { document: missing, code: 'NOT_FOUND', message: 'no such file or directory' },
        ],
      });
      expect(run.stderr).toContain('lectern: no result files written (--out DIR writes');
      expect(run.stderr).toContain('(--state DIR keeps it)');
      expect(readdirSync(root)).toEqual([]);
    },
    60_000,
  );

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'stops the platform on %s, removes its temporary state and exits with %i',
    async (signal, status) => {
      const root = temporaryDir();
      const child = spawn(process.execPath, ['bin/lectern.js', 'run', 'samples/invoices'], {
        env: { ...process.env, TMPDIR: root },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

      // The results index is opened once the platform runs; the uploads follow at once.
      const state = await waitFor(() => {
        const made = readdirSync(root).find((name) => name.startsWith('lectern-run-'));
        return made && existsSync(join(root, made, 'results.db')) ? made : undefined;
      });
      child.kill(signal);

      expect(await exited).toBe(status);
      expect(stderr).toContain(`lectern: interrupted by ${signal}: the platform is stopped`);
      expect(existsSync(join(root, state))).toBe(false);
    },
    60_000,
  );
});

async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
