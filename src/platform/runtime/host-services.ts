/**
 * @module The services a handler reaches inside an instance: nested invokes go over IPC to the
 * runtime; the object store and shared volume are built here from the factories the runtime
 * was configured with. The object store is loaded on first use, so a function that never
 * touches it pays nothing at cold start.
 */
import { pathToFileURL } from 'node:url';
import type { InvocationType, Services } from '../function.js';
import type { ObjectStore, SharedVolume } from '../storage/object-store.js';
import type { FromInstance, SerializedError, ServiceConfig, ServiceFactory } from './protocol.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Nested invocations in flight, answered by the runtime's `reply` messages. */
export class NestedInvoker {
  #nextCallId = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #send: (message: FromInstance) => void;

  constructor(send: (message: FromInstance) => void) {
    this.#send = send;
  }

  /** Sends a nested invoke on behalf of `requestId` and waits for its reply. */
  invoke(requestId: string, functionName: string, payload: unknown, type: InvocationType) {
    const callId = this.#nextCallId++;
    const body = JSON.stringify(payload) ?? 'null';
    return new Promise<unknown>((resolve, reject) => {
      this.#pending.set(callId, { resolve, reject });
      this.#send({ t: 'invoke', callId, requestId, functionName, body, type });
    });
  }

  /** Settles the call `callId` with the runtime's answer. */
  settle(
    callId: number,
    outcome: { ok: true; body: string } | { ok: false; error: SerializedError },
  ) {
    const pending = this.#pending.get(callId);
    if (!pending) return;
    this.#pending.delete(callId);
    if (outcome.ok) pending.resolve(JSON.parse(outcome.body));
    else pending.reject(toError(outcome.error));
  }
}

/** Builds the services of one invocation (or of init, with the instance's first request id). */
export function createServices(
  invoker: NestedInvoker,
  shared: { objects: ObjectStore; volume: SharedVolume },
  requestId: () => string,
): Services {
  return {
    objects: shared.objects,
    volume: shared.volume,
    invoke: (functionName, payload, options = {}) =>
      invoker.invoke(requestId(), functionName, payload, options.type ?? 'RequestResponse'),
  };
}

/** The object store and shared volume of this instance, from the configured factories. */
export async function loadSharedServices(
  config: ServiceConfig,
): Promise<{ objects: ObjectStore; volume: SharedVolume }> {
  const volume = config.volume
    ? ((await build(config.volume)) as SharedVolume)
    : (unconfigured('volume') as SharedVolume);
  return { objects: lazyObjectStore(config.objects), volume };
}

function lazyObjectStore(factory: ServiceFactory | undefined): ObjectStore {
  if (!factory) return unconfigured('objects') as ObjectStore;
  let store: Promise<ObjectStore> | undefined;
  const load = () => {
    store ??= build(factory) as Promise<ObjectStore>;
    return store;
  };
  return {
    put: async (bucket, key, body, options) => (await load()).put(bucket, key, body, options),
    get: async (bucket, key) => (await load()).get(bucket, key),
    head: async (bucket, key) => (await load()).head(bucket, key),
    list: async (bucket, prefix) => (await load()).list(bucket, prefix),
    delete: async (bucket, key) => (await load()).delete(bucket, key),
  };
}

async function build(factory: ServiceFactory): Promise<unknown> {
  const module = (await import(pathToFileURL(factory.module).href)) as Record<string, unknown>;
  const create = module[factory.export];
  if (typeof create !== 'function') {
    throw new Error(`${factory.module} exports no function ${factory.export}`);
  }
  return await create(factory.options);
}

function unconfigured(service: string): unknown {
  const fail = () => {
    const error = new Error(`no ${service} service was configured for this runtime`);
    Object.assign(error, { code: 'SERVICE_NOT_CONFIGURED' });
    throw error;
  };
  return new Proxy({}, { get: fail });
}

/** An Error rebuilt from its serialised form, keeping name and code. */
export function toError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.code) Object.assign(error, { code: serialized.code });
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}

/** The wire form of any thrown value. */
export function serializeError(thrown: unknown): SerializedError {
  if (!(thrown instanceof Error)) return { name: 'Error', message: String(thrown) };
  const code = (thrown as { code?: unknown }).code;
  return {
    name: thrown.name,
    message: thrown.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(thrown.stack ? { stack: thrown.stack } : {}),
  };
}
