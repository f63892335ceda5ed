import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTPUT_METADATA } from '../../src/workflows/deep-reader/config.js';
import { CASES, caseEvents, DETECT_ONLY_PAGE, openTestStack, plannedTiles } from './helpers.js';

const INPUT = 'ocr-input-bucket';
const OUTPUT = 'lectern-output';
const hasCases = existsSync(CASES);

async function runOcr(stack: Awaited<ReturnType<typeof openTestStack>>, event: unknown) {
  return (await stack.platform.invoke('lectern-ocr', event)).payload as Array<
    Record<string, unknown>
  >;
}

function volumeEntries(stateDir: string, folder: string): string[] {
  const dir = join(stateDir, 'volume', folder);
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe.skipIf(!hasCases)('the OCR function and the S3 events it is given', () => {
  it('ignores its own outputs and folder markers quickly: no OCR, no output, no error', async () => {
    const stack = await openTestStack({ inputBucket: INPUT, handlers: { page: DETECT_ONLY_PAGE } });
    const marked = { metadata: { [OUTPUT_METADATA.kind]: 'result' } };
    await stack.quiet.put(
      INPUT,
      'ocr-output/uploads/c36-duplicate-delivery.json',
      Buffer.from('{}'),
      marked,
    );
    await stack.quiet.put(
      INPUT,
      'uploads/c36-duplicate-delivery.jpg.ocr.json',
      Buffer.from('{}'),
      marked,
    );

    const outcomes = [];
    for (const event of caseEvents('c38-must-be-ignored.json'))
      outcomes.push(...(await runOcr(stack, event)));

    expect(outcomes.map((o) => [o.action, o.reason])).toEqual([
      ['ignored', 'own-output'],
      ['ignored', 'own-output'],
      ['ignored', 'folder-marker'],
    ]);
    expect(await stack.platform.objects.list(OUTPUT)).toEqual([]);
    expect(stack.platform.records.query({ functionName: 'lectern-page' })).toEqual([]);
  });

  it('records an empty object as an EMPTY_DOCUMENT failure, decided before any page work', async () => {
    const stack = await openTestStack({ inputBucket: INPUT, handlers: { page: DETECT_ONLY_PAGE } });
    await stack.quiet.put(INPUT, 'uploads/c20-empty.jpg', new Uint8Array(0));

    const [outcome] = await runOcr(stack, caseEvents('c20-empty-object.json')[0]);

    expect(outcome).toMatchObject({ action: 'failed', code: 'EMPTY_DOCUMENT', written: true });
    const { body, metadata } = await stack.platform.objects.get(
      OUTPUT,
      'failures/uploads/c20-empty.jpg.json',
    );
    expect(JSON.parse(body.toString())).toMatchObject({
      status: 'failed',
      document: 'uploads/c20-empty.jpg',
      error: { code: 'EMPTY_DOCUMENT' },
    });
    expect(metadata.userMetadata[OUTPUT_METADATA.sourceEtag]).toBe(
      'd41d8cd98f00b204e9800998ecf8427e',
    );
    expect(await stack.platform.objects.list(OUTPUT, 'results/')).toEqual([]);
    expect(stack.platform.records.query({ functionName: 'lectern-page' })).toEqual([]);
  });

  it('decodes an encoded key exactly once and names the result after the real key', async () => {
    const stack = await openTestStack({ inputBucket: INPUT, handlers: { page: DETECT_ONLY_PAGE } });
    const real = 'uploads/Facture nº 12 (copie)+final.jpg';
    await stack.quiet.put(
      INPUT,
      real,
      readFileSync(join(CASES, 'c34', 'Facture nº 12 (copie)+final.jpg')),
    );

    const [outcome] = await runOcr(stack, caseEvents('c34-encoded-key.json')[0]);

    expect(outcome).toMatchObject({ key: real, action: 'succeeded', pages: 1 });
    const { body } = await stack.platform.objects.get(OUTPUT, `results/${real}.json`);
    const result = JSON.parse(body.toString());
    expect(result.document.name).toBe(real);
    expect(result.pages[0].blocks.length).toBeGreaterThan(10);
  });

  it('does the work of a duplicated delivery once and writes one result', async () => {
    const stack = await openTestStack({ inputBucket: INPUT, handlers: { page: DETECT_ONLY_PAGE } });
    await stack.quiet.put(
      INPUT,
      'uploads/c36-duplicate-delivery.jpg',
      readFileSync(join(CASES, 'c36-duplicate-delivery.jpg')),
    );
    const [first, second] = caseEvents('c36-duplicate-delivery.json');

    const outcomes = (await Promise.all([runOcr(stack, first), runOcr(stack, second)])).flat();
    const late = await runOcr(stack, second);

    expect(outcomes.map((o) => o.action).sort()).toEqual(['ignored', 'succeeded']);
    expect(late).toMatchObject([{ action: 'ignored', reason: 'duplicate' }]);
    expect((await stack.platform.objects.list(OUTPUT)).map((o) => o.key)).toEqual([
      'results/uploads/c36-duplicate-delivery.jpg.json',
    ]);
    expect(stack.platform.records.query({ functionName: 'lectern-page' })).toHaveLength(1);
  });

  it('passes tiles by reference and removes them, with the claims and locks, once done', async () => {
    const stack = await openTestStack({ inputBucket: INPUT, handlers: { page: DETECT_ONLY_PAGE } });
    await stack.quiet.put(
      INPUT,
      'uploads/c36-duplicate-delivery.jpg',
      readFileSync(join(CASES, 'c36-duplicate-delivery.jpg')),
    );

    await runOcr(stack, caseEvents('c36-duplicate-delivery.json')[0]);

    const detections = stack.platform.records.query({ functionName: 'lectern-detect' });
    const tiles = await plannedTiles(join(CASES, 'c36-duplicate-delivery.jpg'));
    // Three detection instances for more tiles: some calls were throttled and tried again.
    expect(detections.filter((r) => r.outcome === 'success')).toHaveLength(tiles);
    expect(detections.every((r) => ['success', 'throttled'].includes(r.outcome))).toBe(true);
    for (const record of detections) {
      // A path and three numbers; a tile's pixels would be hundreds of kilobytes.
      expect(record.payloadInBytes).toBeLessThan(512);
    }
    expect(volumeEntries(stack.stateDir, 'work')).toEqual([]);
    expect(volumeEntries(stack.stateDir, 'claims')).toEqual([]);
    expect(volumeEntries(stack.stateDir, 'locks')).toEqual([]);
  });

  it('fails a document past the page cap clearly, before reading any page', async () => {
    const stack = await openTestStack({ maxPages: 1, handlers: { page: DETECT_ONLY_PAGE } });
    await stack.platform.objects.put(
      'lectern-input',
      'uploads/two.tif',
      readFileSync(join(CASES, 'c10-two-page.tif')),
    );
    await stack.platform.waitForIdle();

    const { body } = await stack.platform.objects.get(OUTPUT, 'failures/uploads/two.tif.json');
    expect(JSON.parse(body.toString()).error.code).toBe('TOO_MANY_PAGES');
    expect(stack.platform.records.query({ functionName: 'lectern-page' })).toEqual([]);
  });

  it('reads the pages of a multi-page document in parallel and keeps their order', async () => {
    const stack = await openTestStack({ handlers: { page: DETECT_ONLY_PAGE } });
    await stack.platform.objects.put(
      'lectern-input',
      'uploads/two.tif',
      readFileSync(join(CASES, 'c10-two-page.tif')),
    );
    await stack.platform.waitForIdle();

    const { body } = await stack.platform.objects.get(OUTPUT, 'results/uploads/two.tif.json');
    const result = JSON.parse(body.toString());
    expect(result.pages.map((p: { number: number }) => p.number)).toEqual([1, 2]);
    const pages = stack.platform.records.query({ functionName: 'lectern-page' });
    expect(pages.filter((r) => r.outcome === 'success')).toHaveLength(2);
    // Both page invocations started before either ended.
    const [a, b] = pages
      .filter((r) => r.outcome === 'success')
      .map((r) => ({
        start: r.startTime,
        end: r.startTime + (r.initDurationMs ?? 0) + r.durationMs,
      }));
    expect(a && b && Math.max(a.start, b.start) < Math.min(a.end, b.end)).toBe(true);
  });
});
