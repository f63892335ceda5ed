/**
 * @module The platform's overhead on one piece of work (a root invocation and every invocation
 * it caused, e.g. one uploaded document), from the invocation records:
 *
 *     overhead = (end - start) - handler time within [start, end]
 *
 * `[start, end]` is the work's end-to-end window (e.g. an upload to its outcome object).
 * Handler time is the length of the union, over time, of the spans during which at least one
 * of the work's functions was running its own code: from the start of its init (cold starts
 * only: the init is the function's own code, loading its models) to the end of its handler,
 * less the spans during which it was waiting on a nested invocation it had made. Such a wait
 * is the callee's own time, counted through the callee's spans, plus the platform's: dispatch,
 * an instance to start, payloads to carry both ways.
 *
 * What remains is what the platform adds around the functions' code: event delivery, queue
 * wait and throttling of the triggering event, dispatch of nested invocations, payload hops,
 * process start before init. Parallel handlers count once, and handler time is clipped to the
 * window, so the overhead is never negative; a disagreement between the clocks (the window is
 * read from object timestamps, the spans from the runtime's clock) moves it by that much.
 *
 * Two things the records cannot tell apart: a caller doing its own work while a call it made is
 * being dispatched has that work counted as overhead (a few ms at most per call), and a caller
 * sleeping before it retries a throttled call has that sleep counted as its own code (seconds,
 * when calls queue for a small reserved concurrency: count the throttles apart).
 */
import type { InvocationRecord } from './records.js';

/** A span of time in epoch milliseconds, `start <= end`. */
export interface Span {
  start: number;
  end: number;
}

/**
 * The platform's overhead on the work whose invocations are `records` and whose end-to-end
 * window is `window`, in ms (see the module comment). Zero for an empty or inverted window.
 */
export function platformOverheadMs(records: readonly InvocationRecord[], window: Span): number {
  return Math.max(0, window.end - window.start) - handlerTimeMs(records, window);
}

/** Time within `window` during which at least one of `records`' functions ran its own code. */
export function handlerTimeMs(records: readonly InvocationRecord[], window: Span): number {
  const clipped = handlerSpans(records)
    .map((span) => ({
      start: Math.max(span.start, window.start),
      end: Math.min(span.end, window.end),
    }))
    .filter((span) => span.end > span.start);
  return union(clipped).reduce((sum, span) => sum + span.end - span.start, 0);
}

/** The spans during which each invocation of `records` ran its own code, unmerged. */
export function handlerSpans(records: readonly InvocationRecord[]): Span[] {
  const ran = records.filter((record) => record.outcome !== 'throttled');
  const waits = new Map<string, Span[]>();
  for (const record of ran) {
    if (record.parentRequestId === undefined) continue;
    const spans = waits.get(record.parentRequestId) ?? [];
    spans.push({ start: record.startTime, end: endOf(record) });
    waits.set(record.parentRequestId, spans);
  }
  return ran.flatMap((record) => subtract(ownSpan(record), waits.get(record.requestId) ?? []));
}

/** Init (when cold) and handler of one invocation, as one span. */
function ownSpan(record: InvocationRecord): Span {
  const end = endOf(record);
  return { start: end - record.durationMs - (record.initDurationMs ?? 0), end };
}

/**
 * Records made before `endTime` was kept: an instance starts its init as soon as it is asked
 * to, so the end is about where init and handler would take it from the start.
 */
function endOf(record: InvocationRecord): number {
  return record.endTime ?? record.startTime + (record.initDurationMs ?? 0) + record.durationMs;
}

/** `spans` merged where they overlap or touch, in order. */
export function union(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** What is left of `span` once every one of `holes` is cut out of it. */
export function subtract(span: Span, holes: readonly Span[]): Span[] {
  const left: Span[] = [];
  let from = span.start;
  for (const hole of union(holes)) {
    if (hole.end <= from) continue;
    if (hole.start >= span.end) break;
    if (hole.start > from) left.push({ start: from, end: hole.start });
    from = Math.max(from, hole.end);
  }
  if (from < span.end) left.push({ start: from, end: span.end });
  return left;
}
