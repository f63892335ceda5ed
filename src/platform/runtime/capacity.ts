/**
 * @module Whether another instance may start. Two limits, as on Lambda: per-function reserved
 * concurrency (a cap, and capacity nobody else may use), and an account-wide limit. Here the
 * account-wide limit is memory: the memory sizes of all live instances (starting, busy, idle or
 * provisioned) never add up to more than the budget, so a burst cannot overcommit the host.
 * Idle on-demand instances of unreserved functions are retired to make room before a request is
 * throttled.
 */
import { PlatformError } from '../errors.js';
import type { ResolvedFunctionSpec } from '../function.js';
import type { Instance } from './instance.js';

/** A deployed function's live instances. */
export interface FunctionPool {
  spec: ResolvedFunctionSpec;
  instances: Set<Instance>;
  /** Id of the open provisioned period in the records, while one is configured. */
  provisionedPeriod?: number;
}

/** The answer of {@link Capacity.admit}. */
export type Admission = { ok: true; evict: Instance[] } | { ok: false; reason: string };

/** The account-wide limits. */
export class Capacity {
  /** Memory the live instances may hold together, in MB. */
  readonly budgetMb: number;
  /** Most invocations running at once, across functions. */
  readonly concurrencyLimit: number;

  constructor(budgetMb: number, concurrencyLimit: number) {
    this.budgetMb = budgetMb;
    this.concurrencyLimit = concurrencyLimit;
  }

  /** Throws INVALID_CONFIGURATION when `spec`'s reserved or provisioned instances cannot fit. */
  checkDeploy(spec: ResolvedFunctionSpec, pools: Iterable<FunctionPool>): void {
    const all = [...pools];
    const reservedMb = sum(all, reservedMbOf) + reservedMbOf({ spec });
    if (reservedMb > this.budgetMb) {
      this.#refuse(
        spec,
        `reservedConcurrency needs ${reservedMbOf({ spec })} MB; the memory budget of ${this.budgetMb} MB has ${this.budgetMb - sum(all, reservedMbOf)} MB left unreserved`,
      );
    }
    if (spec.reservedConcurrency !== undefined) return;
    const needMb = spec.provisionedConcurrency * spec.memoryMb;
    const freeMb = this.budgetMb - reservedMb - sum(all.filter(unreserved), provisionedMbOf);
    if (needMb > freeMb) {
      this.#refuse(
        spec,
        `provisionedConcurrency needs ${needMb} MB; only ${freeMb} MB of the unreserved memory budget is free`,
      );
    }
  }

  /** May `pool` start one more instance now, and which idle instances must go first? */
  admit(pool: FunctionPool, pools: Iterable<FunctionPool>): Admission {
    const all = [...pools];
    const running = sum(all, (p) => count(p, (i) => i.state !== 'idle'));
    if (running >= this.concurrencyLimit) {
      return {
        ok: false,
        reason: `the account's concurrency limit of ${this.concurrencyLimit} is reached`,
      };
    }
    const reserved = pool.spec.reservedConcurrency;
    if (reserved !== undefined) {
      if (pool.instances.size < reserved) return { ok: true, evict: [] };
      return { ok: false, reason: `its reserved concurrency of ${reserved} is reached` };
    }
    return this.#admitUnreserved(pool, all);
  }

  #admitUnreserved(pool: FunctionPool, all: FunctionPool[]): Admission {
    const shared = all.filter(unreserved);
    const limitMb = this.budgetMb - sum(all, reservedMbOf);
    let freeMb = limitMb - sum(shared, liveMbOf) - pool.spec.memoryMb;
    const evict: Instance[] = [];
    for (const { instance, memoryMb } of evictable(shared, pool)) {
      if (freeMb >= 0) break;
      evict.push(instance);
      freeMb += memoryMb;
    }
    if (freeMb >= 0) return { ok: true, evict };
    return {
      ok: false,
      reason: `the memory budget of ${limitMb} MB for unreserved functions is in use`,
    };
  }

  #refuse(spec: ResolvedFunctionSpec, message: string): never {
    throw new PlatformError('INVALID_CONFIGURATION', message, { functionName: spec.name });
  }
}

/** Idle on-demand instances of other functions, least recently used first. */
function evictable(pools: FunctionPool[], except: FunctionPool) {
  return pools
    .filter((pool) => pool !== except)
    .flatMap((pool) =>
      [...pool.instances]
        .filter((instance) => instance.state === 'idle' && !instance.provisioned)
        .map((instance) => ({ instance, memoryMb: pool.spec.memoryMb })),
    )
    .sort((a, b) => a.instance.lastUsed - b.instance.lastUsed);
}

function unreserved(pool: FunctionPool): boolean {
  return pool.spec.reservedConcurrency === undefined;
}

function reservedMbOf(pool: Pick<FunctionPool, 'spec'>): number {
  return (pool.spec.reservedConcurrency ?? 0) * pool.spec.memoryMb;
}

function provisionedMbOf(pool: FunctionPool): number {
  return pool.spec.provisionedConcurrency * pool.spec.memoryMb;
}

function liveMbOf(pool: FunctionPool): number {
  return count(pool, (instance) => instance.state !== 'dead') * pool.spec.memoryMb;
}

function count(pool: FunctionPool, test: (instance: Instance) => boolean): number {
  let n = 0;
  for (const instance of pool.instances) if (test(instance)) n += 1;
  return n;
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
