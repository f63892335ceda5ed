/**
 * `lectern eval` as a user runs it (bin/lectern.js, so `npm run build` first) on two forms
 * of ../shared/data/funsd, and on a folder that is no dataset.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../../src/lab/eval-report.js';
import { requireBuild } from '../platform/built.js';

const FUNSD = '../shared/data/funsd';
const noFunsd = existsSync(FUNSD) ? '' : ` (skipped: ${FUNSD} is absent)`;

const lectern = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/lectern.js', ...args], { encoding: 'utf8' });

describe('lectern eval', () => {
  requireBuild('dist/cli/main.js');
  const root = mkdtempSync(join(tmpdir(), 'lectern-eval-'));

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it.skipIf(noFunsd !== '')(`scores two FUNSD forms by their words${noFunsd}`, () => {
    const report = join(root, 'funsd.json');

    const run = lectern('eval', FUNSD, '--limit', '2', '--no-peer', '--report', report);

    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('(FUNSD layout)');
    expect(run.stdout).toMatch(/word-box F1 \(IoU >= 0\.5\) +0\.\d{3}/u);
    const figures = JSON.parse(readFileSync(report, 'utf8')) as EvalReport;
    const lectern3x3 = figures.runs[0];
    expect(figures.layout).toBe('funsd');
    expect(lectern3x3?.pages).toBe(2);
    expect(lectern3x3?.detection).toBeUndefined();
    // Loose floors that only a broken loader, a wrong box frame or a wrong line order misses:
    // these scans are noisy and Lectern was never tuned on them.
    expect(lectern3x3?.wordsCaseInsensitive.f1).toBeGreaterThan(0.5);
    expect(lectern3x3?.wordBoxes?.f1).toBeGreaterThan(0.5);
    expect(lectern3x3?.medianCerCaseInsensitive).toBeLessThan(0.5);
    expect(figures.perPage.map((page) => page.id)).toEqual(['0000971160', '0001209043']);
  });

  it('fails with NOT_A_DATASET naming a folder of neither layout', () => {
    const run = lectern('eval', root, '--no-peer');

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`lectern: NOT_A_DATASET: ${root}: holds neither img/ + box/`);
  });
});
