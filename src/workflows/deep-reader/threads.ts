/**
 * @module Threads for a function's models: Lambda gives one vCPU per 1,769 MB of memory (up
 * to 6), and a thread pool larger than the CPU share only makes its threads wait their turn.
 */
import { availableParallelism } from 'node:os';

/** Threads for an instance of `memoryMb`: its vCPU share rounded, at least 1, at most the host's. */
export function threadsForMemory(memoryMb: number): number {
  const share = Math.min(6, memoryMb / 1769);
  return Math.max(1, Math.min(availableParallelism(), Math.round(share)));
}
