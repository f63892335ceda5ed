/**
 * @module The logger of handler code inside an instance: one JSON object per line (level,
 * time, msg, function, requestId, coldStart, and the caller's fields), collected per
 * invocation and sent to the runtime with the result. Deliberately not pino: the instance
 * host imports only Node built-ins, to keep the cold start small.
 */
import type { Logger } from '../../logger.js';

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** Level names of captured log lines. */
export type HostLogLevel = keyof typeof LEVELS;

/** Where captured lines go: swapped by the host at each invocation. */
export interface LogSink {
  lines: string[];
}

/** A {@link Logger} writing JSON lines into `sink`, dropping levels below `minimum`. */
export function createHostLogger(
  sink: LogSink,
  bindings: Record<string, unknown>,
  minimum: HostLogLevel,
): Logger {
  const write = (level: HostLogLevel, fields: Record<string, unknown>, msg: string) => {
    if (LEVELS[level] < LEVELS[minimum]) return;
    const entry = { level, time: new Date().toISOString(), msg, ...bindings, ...fields };
    sink.lines.push(safeStringify(entry));
  };
  return {
    debug: (fields, msg) => write('debug', fields, msg),
    info: (fields, msg) => write('info', fields, msg),
    warn: (fields, msg) => write('warn', fields, msg),
    error: (fields, msg) => write('error', fields, msg),
    child: (more) => createHostLogger(sink, { ...bindings, ...more }, minimum),
  };
}

/** Routes `console.*` of handler code into the same lines, as Lambda captures stdout. */
export function captureConsole(current: () => Logger): void {
  const route =
    (level: HostLogLevel) =>
    (...args: unknown[]) =>
      current()[level]({ stream: 'console' }, args.map(formatArgument).join(' '));
  console.log = route('info');
  console.info = route('info');
  console.debug = route('debug');
  console.warn = route('warn');
  console.error = route('error');
}

function formatArgument(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack ?? value.message;
  return safeStringify(value);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
