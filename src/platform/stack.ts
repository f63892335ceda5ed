/**
 * @module A stack: one deployment declared as data (buckets, the triggers between buckets and
 * functions, the functions, the shared volume). The embedded platform applies it
 * (stack-deployer.ts); the AWS CDK app is meant to read the same declaration, so neither
 * repeats it (rule 3 of ARCHITECTURE.md). Nothing here knows what the functions do.
 */
import { PlatformError } from './errors.js';
import { type FunctionSpec, resolveFunctionSpec } from './function.js';
import { assertBucketName } from './storage/keys.js';
import type { NotificationConfig } from './storage/notifications.js';

/** A bucket of the stack. */
export interface StackBucket {
  /** S3 naming rules: 3 to 63 characters, a-z, 0-9, `.` and `-`. */
  name: string;
  /** What the bucket holds, for people reading the stack. */
  description?: string;
}

/**
 * A bucket notification: writes matching the filters send an ObjectCreated event to a
 * function, asynchronously. Same fields as S3's LambdaFunctionConfiguration.
 */
export type StackTrigger = NotificationConfig;

/** A file put onto the shared volume at deploy when the volume does not hold it yet. */
export interface VolumeSeed {
  /** Path inside the volume, relative, e.g. `models/detector.onnx`. */
  path: string;
  /** Absolute path of the file to copy there. */
  source: string;
}

/** The shared volume every instance sees (the paper's EFS). */
export interface StackVolume {
  /** Files copied onto the volume at deploy when absent. Default none. */
  seeds?: VolumeSeed[];
}

/** One deployment. */
export interface Stack {
  /** Names the deployment (CloudFormation stack name on AWS). */
  name: string;
  buckets: StackBucket[];
  /** Functions with their memory, timeout, reserved and provisioned concurrency. */
  functions: FunctionSpec[];
  triggers: StackTrigger[];
  /** Default: a volume with nothing seeded. */
  volume?: StackVolume;
}

/**
 * Checks that a stack hangs together: valid and unique names, every function spec valid,
 * every trigger naming a declared bucket and function, seeds with relative paths and absolute
 * sources. Throws INVALID_CONFIGURATION naming the first problem. Returns the stack.
 */
export function validateStack(stack: Stack): Stack {
  const problem = stackProblem(stack);
  if (problem === undefined) return stack;
  throw new PlatformError('INVALID_CONFIGURATION', `stack "${stack.name}": ${problem}`);
}

function stackProblem(stack: Stack): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stack.name ?? '')) {
    return 'the name must start with a letter and hold letters, digits and "-"';
  }
  return (
    duplicate(
      stack.buckets.map((b) => b.name),
      'bucket',
    ) ??
    duplicate(
      stack.functions.map((f) => f.name),
      'function',
    ) ??
    duplicate(
      stack.triggers.map((t) => t.id),
      'trigger',
    ) ??
    bucketProblem(stack) ??
    functionProblem(stack) ??
    triggerProblem(stack) ??
    seedProblem(stack.volume?.seeds ?? [])
  );
}

function duplicate(names: string[], what: string): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return `${what} "${name}" is declared twice`;
    seen.add(name);
  }
  return undefined;
}

function bucketProblem(stack: Stack): string | undefined {
  for (const bucket of stack.buckets) {
    try {
      assertBucketName(bucket.name);
    } catch (error) {
      return `bucket "${bucket.name}": ${(error as Error).message}`;
    }
  }
  return undefined;
}

function functionProblem(stack: Stack): string | undefined {
  for (const spec of stack.functions) {
    try {
      resolveFunctionSpec(spec);
    } catch (error) {
      return (error as Error).message;
    }
  }
  return undefined;
}

function triggerProblem(stack: Stack): string | undefined {
  const buckets = new Set(stack.buckets.map((b) => b.name));
  const functions = new Set(stack.functions.map((f) => f.name));
  for (const trigger of stack.triggers) {
    if (!buckets.has(trigger.bucket)) {
      return `trigger "${trigger.id}" watches bucket "${trigger.bucket}", which is not declared`;
    }
    if (!functions.has(trigger.functionName)) {
      return `trigger "${trigger.id}" invokes function "${trigger.functionName}", which is not declared`;
    }
  }
  return undefined;
}

function seedProblem(seeds: VolumeSeed[]): string | undefined {
  for (const seed of seeds) {
    if (!seed.path || seed.path.startsWith('/') || seed.path.split('/').includes('..')) {
      return `volume seed "${seed.path}" must be a relative path inside the volume`;
    }
    if (!seed.source?.startsWith('/')) {
      return `volume seed "${seed.path}" needs an absolute source path; got "${seed.source}"`;
    }
  }
  return undefined;
}

/** The stack's function of this name; INVALID_CONFIGURATION when it declares none. */
export function stackFunction(stack: Stack, name: string): FunctionSpec {
  const spec = stack.functions.find((f) => f.name === name);
  if (spec) return spec;
  throw new PlatformError(
    'INVALID_CONFIGURATION',
    `stack "${stack.name}" has no function "${name}"`,
  );
}
