import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Box } from '../../src/document/geometry.js';
import { Reader } from '../../src/document/read.js';
import type { DocumentResult } from '../../src/document/result.js';
import { runBatch } from '../../src/workflows/deep-reader/batch-run.js';
import { CASES, SROIE } from './helpers.js';

const hasData = existsSync(SROIE) && existsSync(CASES);

/** Every block, line and word of a result as text and box, in reading order. */
function items(result: DocumentResult): Array<{ kind: string; text: string; box: Box }> {
  return result.pages.flatMap((page) =>
    page.blocks.flatMap((block) => [
      { kind: `p${page.number} block`, text: block.text, box: block.box },
      ...block.lines.flatMap((line) => [
        { kind: 'line', text: line.text, box: line.box },
        ...line.words.map((word) => ({ kind: 'word', text: word.text, box: word.box })),
      ]),
    ]),
  );
}

function maxBoxDifference(a: Box, b: Box): number {
  return Math.max(
    Math.abs(a.x - b.x),
    Math.abs(a.y - b.y),
    Math.abs(a.width - b.width),
    Math.abs(a.height - b.height),
  );
}

describe.skipIf(!hasData)('the Deep Reader on the platform, with the real models', () => {
  it('reads receipts and a two-page TIFF exactly as lectern read does', async () => {
    const receipts = readdirSync(join(SROIE, 'img')).sort().slice(0, 2);
    const files = [
      ...receipts.map((name) => join(SROIE, 'img', name)),
      join(CASES, 'c10-two-page.tif'),
    ];

    const { documents, summary } = await runBatch(files, {
      stack: { detect: { memoryMb: 1024, reservedConcurrency: 6, provisionedConcurrency: 3 } },
    });

    expect(summary).toMatchObject({ documents: 3, succeeded: 3, failed: 0, pages: 4 });
    const reader = await Reader.create();
    try {
      for (const document of documents) {
        const remote = JSON.parse(document.result ?? 'null') as DocumentResult;
        const local = await reader.read(readFileSync(document.file), { document: document.key });
        const [got, want] = [items(remote), items(local)];
        expect(got.map((i) => `${i.kind}: ${i.text}`)).toEqual(
          want.map((i) => `${i.kind}: ${i.text}`),
        );
        const worst = Math.max(
          0,
          ...got.map((item, i) =>
            maxBoxDifference(item.box, (want[i] as (typeof want)[number]).box),
          ),
        );
        expect(worst).toBeLessThanOrEqual(1);
        expect(remote.pages.map((p) => p.number)).toEqual(local.pages.map((p) => p.number));
      }
    } finally {
      await reader.close();
    }
  });
});
