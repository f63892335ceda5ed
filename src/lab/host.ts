/**
 * @module The machine an experiment ran on, as every lab report records it: figures from
 * this 2-core machine mean little without it.
 */
import { availableParallelism, totalmem } from 'node:os';

export interface HostInfo {
  cpus: number;
  memoryMb: number;
  node: string;
}

export function hostInfo(): HostInfo {
  return {
    cpus: availableParallelism(),
    memoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
  };
}
