/**
 * @module The lifecycle events of the local runtime, for tests, the lab and the dashboard.
 */
import type { InvocationRecord, StartType } from '../records.js';

/** Why an instance stopped. */
export type StopReason =
  | 'idle'
  | 'evicted'
  | 'undeployed'
  | 'released'
  | 'timeout'
  | 'out-of-memory'
  | 'storage'
  | 'init-failed'
  | 'exited';

/** Event name to payload. */
export interface RuntimeEvents {
  'instance-started': {
    functionName: string;
    instanceId: string;
    provisioned: boolean;
    initDurationMs: number;
  };
  'instance-stopped': { functionName: string; instanceId: string; reason: StopReason };
  'invocation-started': {
    functionName: string;
    requestId: string;
    instanceId: string;
    startType: StartType;
  };
  'invocation-finished': InvocationRecord;
}
