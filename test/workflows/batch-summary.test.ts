import { describe, expect, it } from 'vitest';
import type { InvocationRecord } from '../../src/platform/records.js';
import {
  outcomeCounts,
  partialPagesOf,
  summarisePlatformBatch,
  withFailures,
} from '../../src/workflows/deep-reader/batch-summary.js';
import type { IndexedDocument } from '../../src/workflows/deep-reader/results-index.js';

function record(
  requestId: string,
  rootRequestId: string,
  span: { start: number; handler: number; end: number },
  extra: Partial<InvocationRecord> = {},
): InvocationRecord {
  return {
    requestId,
    runId: 'run',
    functionName: 'lectern-detect',
    invocationType: 'RequestResponse',
    rootRequestId,
    startTime: span.start,
    endTime: span.end,
    durationMs: span.end - span.handler,
    billedDurationMs: span.end - span.handler,
    memorySizeMb: 1024,
    startType: 'warm',
    payloadInBytes: 100,
    payloadOutBytes: 100,
    outcome: 'success',
    ...extra,
  };
}

function document(key: string, requestId: string, uploadedAt: number, finishedAt: number) {
  return {
    bucket: 'lectern-input',
    key,
    etag: key,
    status: 'succeeded',
    uploadedAt,
    finishedAt,
    latencyMs: finishedAt - uploadedAt,
    stages: {},
    pages: 1,
    requestId,
  } satisfies IndexedDocument;
}

describe('summarisePlatformBatch', () => {
  it('gives each document’s overhead as latency less the time its own functions ran', () => {
    // a: queued 200 ms, then the OCR function (300..2300) waits 400..2000 on the page
    //    function, whose handler starts 50 ms after the call; the result is written at 2,200.
    // b: the OCR function cleans up for 500 ms after writing its result, which made the old
    //    figure (latency less the OCR invocation's duration) negative.
    const entries = [document('a', 'ocr-a', 100, 2200), document('b', 'ocr-b', 0, 1000)];
    const records = [
      record(
        'ocr-a',
        'ocr-a',
        { start: 300, handler: 300, end: 2300 },
        { invocationType: 'Event' },
      ),
      record(
        'page-a',
        'ocr-a',
        { start: 400, handler: 450, end: 2000 },
        { parentRequestId: 'ocr-a' },
      ),
      record(
        'ocr-b',
        'ocr-b',
        { start: 100, handler: 100, end: 1500 },
        { invocationType: 'Event' },
      ),
    ];

    const summary = summarisePlatformBatch(entries, records, [], 3000);

    // a: 200 (queue) + 50 (dispatch of the page); b: 100 (queue).
    expect(summary.overheadMs).toEqual({ median: 100, p95: 250, max: 250 });
  });
});

describe('outcomeCounts', () => {
  it('counts a result with a partly decoded page as partial, not succeeded, and names it', () => {
    const whole = document('uploads/a.jpg', 'ocr-a', 0, 1000);
    const truncated = { ...document('uploads/b.jpg', 'ocr-b', 0, 1500), partialPages: [1] };
    const failed = {
      ...document('uploads/c.jpg', 'ocr-c', 0, 500),
      status: 'failed',
      pages: 0,
      errorCode: 'EMPTY_DOCUMENT',
    } satisfies IndexedDocument;

    const counts = outcomeCounts([whole, truncated, failed], {
      name: (e) => `in/${e.key.slice(8)}`,
    });

    expect(counts).toMatchObject({
      documents: 3,
      pages: 2,
      succeeded: 1,
      partial: 1,
      partialDocuments: ['in/b.jpg'],
      failed: 1,
      failures: { EMPTY_DOCUMENT: 1 },
    });
  });

  it('names partial documents by key when told nothing else', () => {
    const truncated = { ...document('uploads/b.jpg', 'ocr-b', 0, 1500), partialPages: [2, 3] };

    const summary = summarisePlatformBatch([truncated], [], [], 2000);

    expect(summary).toMatchObject({
      succeeded: 0,
      partial: 1,
      partialDocuments: ['uploads/b.jpg'],
    });
  });
});

describe('failed documents', () => {
  it('are named with their code and message, less the key the failure record repeats', () => {
    const empty = {
      ...document('uploads/empty.jpg', 'ocr-e', 0, 500),
      status: 'failed',
      errorCode: 'EMPTY_DOCUMENT',
      errorMessage: 'uploads/empty.jpg: the document is empty (0 bytes)',
    } satisfies IndexedDocument;
    const unknown = { ...document('uploads/x.pdf', 'ocr-x', 0, 500), status: 'failed' as const };

    const counts = outcomeCounts([empty, unknown], { name: (e) => `in/${e.key.slice(8)}` });

    expect(counts.failedDocuments).toEqual([
      {
        document: 'in/empty.jpg',
        code: 'EMPTY_DOCUMENT',
        message: 'the document is empty (0 bytes)',
      },
      { document: 'in/x.pdf', code: 'UNKNOWN' },
    ]);
  });

  it('include inputs that never became uploads, counted as documents too', () => {
    const counts = outcomeCounts([document('uploads/a.jpg', 'ocr-a', 0, 1000)]);
    const missing = { document: 'gone.png', code: 'NOT_FOUND', message: 'no such file' };

    const summary = withFailures(counts, [missing]);

    expect(summary).toMatchObject({
      documents: 2,
      succeeded: 1,
      failed: 1,
      failures: { NOT_FOUND: 1 },
      failedDocuments: [missing],
    });
  });
});

describe('reused documents', () => {
  it('count by their earlier outcome but stay out of this batch’s times', () => {
    // `old` was read a day before; only `now` was read in this batch.
    const old = document('uploads/old.jpg', 'ocr-old', 0, 4000);
    const now = { ...document('uploads/new.jpg', 'ocr-new', 86_400_000, 86_401_000) };

    const summary = summarisePlatformBatch([old, now], [], [], 86_402_000, {
      reused: (entry) => entry === old,
    });

    expect(summary).toMatchObject({
      documents: 2,
      pages: 2,
      succeeded: 2,
      reused: 1,
      reusedDocuments: ['uploads/old.jpg'],
      latencyMs: { median: 1000, max: 1000 },
      wallMs: 1000,
    });
  });
});

describe('partialPagesOf', () => {
  it('lists the pages only partly decoded, and nothing when there are none', () => {
    expect(partialPagesOf([{ number: 1 }, { number: 2, partial: 'truncated' }])).toEqual({
      partialPages: [2],
    });
    expect(partialPagesOf([{ number: 1 }])).toEqual({});
  });
});
