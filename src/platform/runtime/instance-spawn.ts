/**
 * @module Starting an instance process: its environment (minimal, as on Lambda: the parent's
 * NODE_OPTIONS or test loaders must not leak in), its V8 heap limit, its scratch directory and
 * its kernel groups.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ResolvedFunctionSpec, vcpusForMemory } from '../function.js';
import type { Cgroups, InstanceGroup } from './cgroups.js';
import type { InstanceConfig } from './protocol.js';

/** Share of the memory size given to V8's old space; the rest is code, stacks and buffers. */
const HEAP_SHARE = 0.85;

/** What {@link spawnInstance} needs beyond the instance's config. */
export interface SpawnRequest {
  config: InstanceConfig;
  spec: ResolvedFunctionSpec;
  hostPath: string;
  scratchDir: string;
  cgroups: Cgroups | undefined;
}

/** A started instance process and the groups that hold it. */
export interface SpawnedProcess {
  child: ChildProcess;
  group: InstanceGroup | undefined;
}

/** Starts the instance host for `request`, inside its cgroups when there are any. */
export function spawnInstance(request: SpawnRequest): SpawnedProcess {
  const { spec, config } = request;
  mkdirSync(request.scratchDir, { recursive: true });
  const group = request.cgroups?.createInstance(config.instanceId, {
    memoryBytes: spec.memoryMb * 1024 * 1024,
    vcpus: vcpusForMemory(spec.memoryMb),
  });
  const heapMb = Math.max(16, Math.floor(spec.memoryMb * HEAP_SHARE));
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, request.hostPath], {
    cwd: request.scratchDir,
    env: instanceEnvironment(request, group !== undefined),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  // The process is moved into its groups right after exec, before Node has finished booting:
  // the few pages charged to the parent's group meanwhile are the only thing that escapes.
  if (group && child.pid !== undefined) group.add(child.pid);
  return { child, group };
}

function instanceEnvironment(request: SpawnRequest, kernelCpu: boolean): NodeJS.ProcessEnv {
  const { spec, config } = request;
  const vcpus = vcpusForMemory(spec.memoryMb);
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: process.env.LANG ?? 'C.UTF-8',
    TZ: process.env.TZ ?? 'UTC',
    ...spec.environment,
    HOME: request.scratchDir,
    TMPDIR: request.scratchDir,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    LECTERN_VCPUS: vcpus.toFixed(3),
    // Without a kernel quota, the thread pool size is the only brake on CPU use.
    ...(kernelCpu ? {} : { UV_THREADPOOL_SIZE: String(Math.max(1, Math.round(vcpus))) }),
    LECTERN_INSTANCE: JSON.stringify(config),
  };
}

/** Resident memory of `pid` in bytes, from /proc (0 when it cannot be read). */
export function residentBytes(pid: number, read: (path: string) => string): number {
  try {
    const pages = Number(read(`/proc/${pid}/statm`).split(' ')[1]);
    return Number.isFinite(pages) ? pages * 4096 : 0;
  } catch {
    return 0;
  }
}

/** The scratch directory of an instance under the runtime's scratch root. */
export function scratchDirOf(root: string, instanceId: string): string {
  return join(root, instanceId);
}
