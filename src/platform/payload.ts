/**
 * @module Invocation payloads: JSON, with Lambda's size limits (6 MB for a synchronous request
 * or response, 256 KB for an asynchronous event).
 */
import { PlatformError } from './errors.js';
import type { InvocationType } from './function.js';

/** Largest payload, in bytes of its JSON, per invocation type. */
export const PAYLOAD_LIMITS: Readonly<Record<InvocationType, number>> = {
  RequestResponse: 6 * 1024 * 1024,
  Event: 256 * 1024,
};

/** A payload as it travels: its JSON text and that text's size in UTF-8 bytes. */
export interface SerializedPayload {
  json: string;
  bytes: number;
}

/**
 * Serialises `value` as JSON (`undefined` becomes `null`, as on Lambda) and checks it against
 * the limit of `type`. Throws PAYLOAD_TOO_LARGE or INVALID_PAYLOAD naming the function.
 */
export function serializePayload(
  functionName: string,
  value: unknown,
  type: InvocationType,
  direction: 'request' | 'response' = 'request',
): SerializedPayload {
  const json = toJson(functionName, value, direction);
  const bytes = Buffer.byteLength(json);
  assertPayloadSize(functionName, bytes, type, direction);
  return { json, bytes };
}

/** Throws PAYLOAD_TOO_LARGE when `bytes` exceeds the limit of `type`. */
export function assertPayloadSize(
  functionName: string,
  bytes: number,
  type: InvocationType,
  direction: 'request' | 'response' = 'request',
): void {
  const limit = PAYLOAD_LIMITS[type];
  if (bytes <= limit) return;
  const kind = type === 'Event' ? 'an asynchronous' : 'a synchronous';
  throw new PlatformError(
    'PAYLOAD_TOO_LARGE',
    `the ${direction} payload of ${bytes} bytes exceeds the ${limit}-byte limit of ${kind} invocation`,
    { functionName, details: { bytes, limit, type, direction } },
  );
}

function toJson(functionName: string, value: unknown, direction: string): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (cause) {
    throw new PlatformError('INVALID_PAYLOAD', `the ${direction} payload is not valid JSON`, {
      functionName,
      cause,
    });
  }
}
