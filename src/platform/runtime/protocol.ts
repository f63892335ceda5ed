/**
 * @module The messages between the runtime and an instance process (over Node's IPC
 * channel). Payloads travel as JSON text so that their sizes are the sizes Lambda counts.
 * Type-only: the instance host imports nothing from here at run time.
 */
import type { InvocationType } from '../function.js';

/** A module exporting a factory of a service, loaded inside the instance. */
export interface ServiceFactory {
  /** Absolute path of a compiled ES module. */
  module: string;
  /** Name of the exported factory; called with `options`, may return a promise. */
  export: string;
  /** JSON-serialisable argument of the factory. */
  options?: unknown;
}

/** Services given to handlers, as factories (the instance builds them itself). */
export interface ServiceConfig {
  objects?: ServiceFactory;
  volume?: ServiceFactory;
}

/** What an instance is told at start, in the LECTERN_INSTANCE environment variable. */
export interface InstanceConfig {
  instanceId: string;
  functionName: string;
  handler: string;
  memoryMb: number;
  provisioned: boolean;
  services: ServiceConfig;
  /** Least level of handler log lines kept. */
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** An error as it crosses the process boundary. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** Runtime to instance. */
export type ToInstance =
  | { t: 'invoke'; requestId: string; body: string; timeoutMs: number; coldStart: boolean }
  | { t: 'reply'; callId: number; ok: true; body: string }
  | { t: 'reply'; callId: number; ok: false; error: SerializedError };

/** Instance to runtime. */
export type FromInstance =
  | { t: 'ready'; initDurationMs: number; logs: string[] }
  | { t: 'init-failed'; initDurationMs: number; error: SerializedError; logs: string[] }
  | ({ t: 'result'; requestId: string; durationMs: number; maxRssKb: number; logs: string[] } & (
      | { ok: true; body: string }
      | { ok: false; error: SerializedError }
    ))
  | {
      t: 'invoke';
      callId: number;
      requestId: string;
      functionName: string;
      body: string;
      type: InvocationType;
    };
