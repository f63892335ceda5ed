/**
 * The one logger interface that library code receives. Output is one JSON object per line with
 * fixed keys (level, time, msg, service, and whatever bindings a caller adds: function,
 * requestId, coldStart, document), the same locally and on Lambda.
 */
import { pino } from 'pino';

export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * A pino logger writing JSON lines to a file descriptor (stderr by default, so that standard
 * output stays free for results).
 */
export function createLogger(
  options: { level?: LogLevel; destination?: number | string; service?: string } = {},
): Logger {
  const level = options.level ?? (process.env.LECTERN_LOG_LEVEL as LogLevel | undefined) ?? 'warn';
  const destination = pino.destination({ dest: options.destination ?? 2, sync: true });
  return pino(
    {
      level,
      base: { service: options.service ?? 'lectern' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A logger that drops everything: the default for library calls that were given none. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
