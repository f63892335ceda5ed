import { describe, expect, it } from 'vitest';
import { handlerTimeMs, platformOverheadMs, subtract, union } from '../../src/platform/overhead.js';
import type { InvocationRecord } from '../../src/platform/records.js';

/** A warm, successful invocation whose handler ran from `start` to `end` (host clock). */
function ran(
  requestId: string,
  start: number,
  end: number,
  extra: Partial<InvocationRecord> = {},
): InvocationRecord {
  return {
    requestId,
    runId: 'run',
    functionName: 'f',
    invocationType: 'RequestResponse',
    rootRequestId: 'ocr',
    startTime: start,
    endTime: end,
    durationMs: end - start,
    billedDurationMs: end - start,
    memorySizeMb: 1024,
    startType: 'warm',
    payloadInBytes: 100,
    payloadOutBytes: 100,
    outcome: 'success',
    ...extra,
  };
}

/**
 * A document uploaded at 0 whose result is written at 1,050:
 *   ocr       called 100, runs 100..1100 (cleans up after writing the result)
 *   page      called 200 by ocr, its handler starts at 220 (20 ms dispatch), ends 900
 *   detect-a  called 300 by page, cold: init 350..400, handler 400..500
 *   detect-b  called 310 by page, warm: handler 350..600
 */
const document: InvocationRecord[] = [
  ran('ocr', 100, 1100, { invocationType: 'Event' }),
  { ...ran('page', 200, 900, { parentRequestId: 'ocr' }), durationMs: 680 },
  {
    ...ran('detect-a', 300, 500, { parentRequestId: 'page', startType: 'cold' }),
    initDurationMs: 50,
    durationMs: 100,
  },
  { ...ran('detect-b', 310, 600, { parentRequestId: 'page' }), durationMs: 250 },
];
const window = { start: 0, end: 1050 };

describe('platformOverheadMs', () => {
  it('is the latency less the time some function of the document ran its own code', () => {
    // Own code: ocr 100..200, page 220..300 and 600..900, detection 350..600, ocr 900..1050
    // (clipped at the result). Left over: the event (100), the page's dispatch (20) and the
    // detection calls' dispatch and start (50).
    expect(handlerTimeMs(document, window)).toBe(880);
    expect(platformOverheadMs(document, window)).toBe(170);
  });

  it('counts the time a nested call spends reaching its handler as overhead', () => {
    // The caller waits 100..900; the callee's handler runs 300..900.
    const caller = ran('caller', 0, 1000);
    const callee = { ...ran('callee', 100, 900, { parentRequestId: 'caller' }), durationMs: 600 };

    expect(platformOverheadMs([caller, callee], { start: 0, end: 1000 })).toBe(200);
  });

  it('counts parallel handlers once', () => {
    const third = { ...ran('detect-c', 330, 580, { parentRequestId: 'page' }), durationMs: 220 };

    expect(platformOverheadMs([...document, third], window)).toBe(170);
  });

  it('counts a cold start’s init as the function’s own time', () => {
    // detect-b alone covered 350..600: make it start later so detect-a's init shows.
    const later = document.map((r) =>
      r.requestId === 'detect-b' ? { ...r, startTime: 450, durationMs: 140 } : r,
    );

    // Own code: 100..200, 220..300, 350..500 (detect-a's init and handler), 460..600, 600..1050.
    expect(platformOverheadMs(later, window)).toBe(170);
  });

  it('ignores throttled calls, which ran no code', () => {
    // Answered 40 ms late by a busy host, but still no code of the document ran for it.
    const throttled = {
      ...ran('detect-x', 250, 290, { parentRequestId: 'page', outcome: 'throttled' }),
      durationMs: 0,
    } satisfies InvocationRecord;

    expect(platformOverheadMs([...document, throttled], window)).toBe(170);
  });

  it('counts every attempt of a retried invocation', () => {
    const firstAttempt = ran('ocr', 20, 60, { invocationType: 'Event', outcome: 'timeout' });

    expect(platformOverheadMs([firstAttempt, ...document], window)).toBe(130);
  });

  it('is never negative, even when handlers outlast the window or the window is inverted', () => {
    expect(platformOverheadMs(document, { start: 150, end: 180 })).toBe(0);
    expect(platformOverheadMs(document, { start: 1000, end: 900 })).toBe(0);
    expect(platformOverheadMs([], window)).toBe(1050);
  });

  it('places records made without an end time by their start, init and duration', () => {
    const { endTime: _end, ...ocr } = ran('ocr', 100, 1100);

    expect(platformOverheadMs([ocr], window)).toBe(100);
  });
});

describe('union and subtract', () => {
  it('merge overlapping and touching spans, and cut holes out of a span', () => {
    expect(
      union([
        { start: 5, end: 7 },
        { start: 0, end: 2 },
        { start: 2, end: 3 },
        { start: 6, end: 9 },
      ]),
    ).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 9 },
    ]);
    expect(
      subtract({ start: 0, end: 10 }, [
        { start: 4, end: 6 },
        { start: -5, end: 1 },
        { start: 5, end: 7 },
        { start: 12, end: 15 },
      ]),
    ).toEqual([
      { start: 1, end: 4 },
      { start: 7, end: 10 },
    ]);
  });
});
