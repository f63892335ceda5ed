/**
 * @module Plain-text views of the platform's state for `lectern platform`: failed invocations,
 * dead letters, and everything known about one request id.
 */
import type { DeadLetter, InvocationAttempt, QueuedInvocation } from '../platform/invocations.js';
import type { InvocationRecord } from '../platform/records.js';

/** One line per failed invocation, under a header. */
export function formatFailed(invocations: QueuedInvocation[]): string {
  if (invocations.length === 0) return 'no failed invocations';
  const rows = invocations.map((i) => [
    i.requestId,
    i.functionName,
    i.state === 'dead' ? 'dead' : `${i.state}, next run ${time(i.availableAt)}`,
    String(i.attempts),
    `${i.errorCode ?? ''}: ${i.errorMessage ?? ''}`,
  ]);
  return table(['REQUEST ID', 'FUNCTION', 'STATE', 'ATTEMPTS', 'LAST ERROR'], rows);
}

/** One line per dead letter, under a header. */
export function formatDeadLetters(letters: DeadLetter[]): string {
  if (letters.length === 0) return 'no dead letters';
  const rows = letters.map((letter) => [
    letter.requestId,
    letter.functionName,
    time(letter.deadAt),
    String(letter.attempts),
    `${letter.errorCode}: ${letter.errorMessage}${handlerCode(letter)}`,
    letter.redrivenAt === undefined ? '' : `re-driven ${time(letter.redrivenAt)}`,
  ]);
  return table(['REQUEST ID', 'FUNCTION', 'DEAD AT', 'ATTEMPTS', 'ERROR', ''], rows);
}

/** What the queue and the records know of one request id, then its log lines. */
export function formatRequest(
  requestId: string,
  queued: QueuedInvocation | undefined,
  attempts: InvocationAttempt[],
  records: InvocationRecord[],
  logs: string[],
): string {
  const lines: string[] = [];
  if (queued) {
    const retries = queued.maxAttempts === undefined ? '' : ` of ${queued.maxAttempts}`;
    lines.push(
      `ASYNC ${requestId} ${queued.functionName}: ${queued.state}, ${queued.attempts}${retries} attempts, queued ${time(queued.enqueuedAt)}`,
    );
  }
  for (const attempt of attempts) lines.push(formatAttempt(attempt));
  for (const record of records) lines.push(formatReport(record));
  lines.push(...logs);
  return lines.length > 0 ? lines.join('\n') : `nothing is known of request ${requestId}`;
}

function formatAttempt(attempt: InvocationAttempt): string {
  const error = attempt.errorCode ? ` ${attempt.errorCode}: ${attempt.errorMessage ?? ''}` : '';
  return `ATTEMPT ${attempt.attempt} ${time(attempt.startedAt)} ${attempt.outcome}${error}`;
}

// The shape of Lambda's REPORT line, so that it reads like a CloudWatch log.
function formatReport(record: InvocationRecord): string {
  const parts = [
    `REPORT RequestId: ${record.requestId}`,
    `Function: ${record.functionName}`,
    `Start: ${time(record.startTime)}`,
    `Duration: ${record.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${record.billedDurationMs} ms`,
    `Memory Size: ${record.memorySizeMb} MB`,
  ];
  if (record.maxMemoryUsedMb !== undefined) {
    parts.push(`Max Memory Used: ${record.maxMemoryUsedMb} MB`);
  }
  if (record.initDurationMs !== undefined) {
    parts.push(`Init Duration: ${record.initDurationMs.toFixed(2)} ms`);
  }
  parts.push(`Start Type: ${record.startType ?? 'none'}`, `Outcome: ${record.outcome}`);
  if (record.errorCode) parts.push(`Error: ${record.errorCode}: ${record.errorMessage ?? ''}`);
  return parts.join('\t');
}

function handlerCode(letter: DeadLetter): string {
  const inner = (letter.errorDetails?.error as { code?: string } | undefined)?.code;
  return inner ? ` (handler code ${inner})` : '';
}

function time(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Columns padded to their widest cell, under a header. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
