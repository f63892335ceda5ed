/**
 * @module The platform benchmark's figures as a short text report.
 */
import type { PlatformBenchResult } from './platform-bench.js';
import type { Distribution } from './platform-bench-stats.js';

/** Lines of text for a terminal. */
export function formatPlatformBench(result: PlatformBenchResult): string {
  const { burst, throughput, isolation } = result;
  const limits = isolation.reason
    ? `${isolation.memory}/${isolation.cpu} (${isolation.reason})`
    : `${isolation.memory}/${isolation.cpu}`;
  return [
    `host: ${result.host.cpus} cores, ${result.host.memoryMb} MB, node ${result.host.node}; limits: ${limits}`,
    `functions: ${result.memoryMb} MB (${(result.memoryMb / 1769).toFixed(2)} vCPU)`,
    `warm overhead (no-op):     ${dist(result.warmOverheadMs)}  handler ${fmt(result.warmHandlerMs.median)} ms`,
    `cold start (no-op):        ${dist(result.coldStartMs)}  init ${fmt(result.coldInitMs.median)} ms`,
    `cold start (ONNX init):    ${dist(result.onnxColdStartMs)}  init ${fmt(result.onnxInitMs.median)} ms`,
    `burst of ${burst.size}, provisioned:  ${burst.provisioned.coldStarts} cold starts, ${fmt(burst.provisioned.wallMs)} ms`,
    `burst of ${burst.size}, on demand:    ${burst.onDemand.coldStarts} cold starts, ${fmt(burst.onDemand.wallMs)} ms`,
    `throughput (no-op, ${throughput.instances} instances): ${throughput.invocationsPerSecond.toFixed(0)} invocations/s`,
  ].join('\n');
}

function dist(value: Distribution): string {
  return `median ${fmt(value.median)} ms, p99 ${fmt(value.p99)} ms (n=${value.samples})`;
}

function fmt(ms: number): string {
  return ms < 10 ? ms.toFixed(3) : ms.toFixed(1);
}
