/**
 * `lectern lab fanout` as a user runs it: the built command (bin/lectern.js, so `npm run build`
 * first) on a small crop of a shipped invoice, two tiles, one measured round. Real models in
 * the page function and on premise, hence the models suite.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FanoutResult } from '../../src/lab/fanout-report.js';

describe.skipIf(!existsSync('dist/cli/main.js'))('lectern lab fanout', () => {
  let dir = '';
  let page = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lectern-fanout-'));
    page = join(dir, 'header.png');
    await sharp('samples/invoices/i2d_AmazonWebServices.png')
      .extract({ left: 150, top: 300, width: 900, height: 500 })
      .png()
      .toFile(page);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the page warm three ways and reports latency, detection calls and overhead', () => {
    const run = spawnSync(
      process.execPath,
      ['bin/lectern.js', 'lab', 'fanout', page, '--tiles', '1x2', '--rounds', '1', '--json'],
      { encoding: 'utf8' },
    );

    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as FanoutResult;
    expect(result.page).toMatchObject({ width: 900, height: 500, tiles: 2 });
    const [fanOut, single, onPremise] = result.variants;
    expect(result.variants.map((v) => v.variant)).toEqual([
      'fan-out',
      'single-detect',
      'on-premise',
    ]);
    expect(fanOut).toMatchObject({ detectInvocations: 2, throttles: 0, coldStarts: 0 });
    expect(single).toMatchObject({ detectInvocations: 2, coldStarts: 0 });
    expect(fanOut?.setup).toContain('reserved 2, provisioned 2');
    expect(single?.setup).toContain('reserved 1, provisioned 1');
    for (const variant of [fanOut, single]) {
      expect(variant?.overheadMs).toBeGreaterThanOrEqual(0);
      expect(variant?.overheadMs).toBeLessThan(variant?.latencyMs.median ?? 0);
      expect(variant?.detectBusyMs).toBeGreaterThan(0);
      expect(variant?.detectBusyMs).toBeLessThanOrEqual(variant?.detectWallMs ?? 0);
    }
    expect(onPremise?.latencyMs.samples).toBe(1);
    expect(onPremise?.latencyMs.median).toBeGreaterThan(0);
    expect(run.stderr).toContain('on-premise round 1:');
  });
});
