/**
 * @module The entry point of an instance process: imports the handler module, runs its
 * `init` once (timed from process start, as Lambda's init duration), then serves one
 * invocation at a time for the runtime. Runs as compiled JavaScript from dist/ and imports only
 * Node built-ins and its two siblings, because everything loaded here is paid at every cold
 * start.
 */
import { pathToFileURL } from 'node:url';
import type { Logger } from '../../logger.js';
import type { Context, HandlerModule, Services } from '../function.js';
import type { ObjectStore, SharedVolume } from '../storage/object-store.js';
import { captureConsole, createHostLogger, type LogSink } from './host-logger.js';
import {
  createServices,
  loadSharedServices,
  NestedInvoker,
  serializeError,
} from './host-services.js';
import type { FromInstance, InstanceConfig, ToInstance } from './protocol.js';

const config = JSON.parse(process.env.LECTERN_INSTANCE ?? '{}') as InstanceConfig;
delete process.env.LECTERN_INSTANCE;

const send = (message: FromInstance) => process.send?.(message);
const sink: LogSink = { lines: [] };
const invoker = new NestedInvoker(send);
let currentRequestId = '';
let currentLogger: Logger = createHostLogger(
  sink,
  { function: config.functionName, instance: config.instanceId },
  config.logLevel,
);
let handlerModule: HandlerModule | undefined;
let shared: { objects: ObjectStore; volume: SharedVolume };

captureConsole(() => currentLogger);
// An instance never outlives its runtime: when the channel closes (the runtime exited or was
// killed), whatever the handler was doing is abandoned.
process.on('disconnect', () => process.exit(0));
process.on('message', (message: ToInstance) => {
  if (message.t === 'reply') invoker.settle(message.callId, message);
  else void serve(message);
});
await start();

async function start(): Promise<void> {
  try {
    const [module, services] = await Promise.all([
      import(pathToFileURL(config.handler).href) as Promise<Partial<HandlerModule>>,
      loadSharedServices(config.services),
    ]);
    shared = services;
    handlerModule = checkModule(module);
    await handlerModule.init?.({
      functionName: config.functionName,
      memoryLimitInMB: config.memoryMb,
      logger: currentLogger,
      services: servicesFor(),
    });
    send({ t: 'ready', initDurationMs: performance.now(), logs: takeLogs() });
  } catch (error) {
    const initDurationMs = performance.now();
    send({ t: 'init-failed', initDurationMs, error: serializeError(error), logs: takeLogs() });
  }
}

function checkModule(module: Partial<HandlerModule>): HandlerModule {
  if (typeof module.handler !== 'function') {
    throw new Error(`${config.handler} exports no function named "handler"`);
  }
  if (module.init !== undefined && typeof module.init !== 'function') {
    throw new Error(`${config.handler} exports "init" that is not a function`);
  }
  return module as HandlerModule;
}

async function serve(message: Extract<ToInstance, { t: 'invoke' }>): Promise<void> {
  const { requestId, timeoutMs, coldStart } = message;
  currentRequestId = requestId;
  currentLogger = createHostLogger(
    sink,
    { function: config.functionName, requestId, coldStart },
    config.logLevel,
  );
  const started = performance.now();
  const context: Context = {
    requestId,
    functionName: config.functionName,
    memoryLimitInMB: config.memoryMb,
    getRemainingTimeInMillis: () =>
      Math.max(0, Math.round(started + timeoutMs - performance.now())),
    logger: currentLogger,
    services: servicesFor(),
    coldStart,
  };
  try {
    const result = await (handlerModule as HandlerModule).handler(
      JSON.parse(message.body),
      context,
    );
    const body = JSON.stringify(result) ?? 'null';
    send({ t: 'result', requestId, ok: true, body, ...measure(started) });
  } catch (error) {
    send({ t: 'result', requestId, ok: false, error: serializeError(error), ...measure(started) });
  }
}

function servicesFor(): Services {
  return createServices(invoker, shared, () => currentRequestId);
}

function measure(started: number): { durationMs: number; maxRssKb: number; logs: string[] } {
  const durationMs = performance.now() - started;
  return { durationMs, maxRssKb: process.resourceUsage().maxRSS, logs: takeLogs() };
}

function takeLogs(): string[] {
  const lines = sink.lines;
  sink.lines = [];
  return lines;
}
