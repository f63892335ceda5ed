import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/platform/errors.js';
import {
  type FunctionSpec,
  resolveFunctionSpec,
  vcpusForMemory,
} from '../../src/platform/function.js';
import { PAYLOAD_LIMITS, serializePayload } from '../../src/platform/payload.js';

const spec: FunctionSpec = {
  name: 'detect',
  handler: '/opt/fn/detect.js',
  memoryMb: 2048,
  timeoutMs: 30_000,
};

function messageOf(change: Partial<FunctionSpec>): string {
  try {
    resolveFunctionSpec({ ...spec, ...change } as FunctionSpec);
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).code).toBe('INVALID_CONFIGURATION');
    return (error as PlatformError).message;
  }
  throw new Error('expected the spec to be refused');
}

describe('resolveFunctionSpec', () => {
  it('fills in the defaults of the optional fields', () => {
    expect(resolveFunctionSpec(spec)).toEqual({
      ...spec,
      environment: {},
      provisionedConcurrency: 0,
      retryAttempts: 2,
      idleKeepAliveMs: 300_000,
      ephemeralStorageMb: 512,
    });
  });

  it('names the option, the allowed range and the value it refuses', () => {
    expect(messageOf({ memoryMb: 64 })).toBe(
      'detect: memoryMb must be an integer from 128 to 10240 MB; got 64',
    );
    expect(messageOf({ timeoutMs: 900_001 })).toContain(
      'timeoutMs must be an integer from 1 to 900000 ms; got 900001',
    );
    expect(messageOf({ retryAttempts: 3 as 2 })).toContain(
      'retryAttempts must be an integer from 0 to 2 retries; got 3',
    );
    expect(messageOf({ ephemeralStorageMb: 100 })).toContain('from 512 to 10240 MB; got 100');
    expect(messageOf({ reservedConcurrency: -1 })).toContain('reservedConcurrency');
  });

  it('refuses more provisioned instances than the reservation', () => {
    expect(messageOf({ reservedConcurrency: 2, provisionedConcurrency: 3 })).toContain(
      'provisionedConcurrency must be an integer from 0 to 2 instances; got 3',
    );
  });

  it('refuses a relative or TypeScript handler path and a bad name', () => {
    expect(messageOf({ handler: 'detect.js' })).toContain('absolute path');
    expect(messageOf({ handler: '/opt/fn/detect.ts' })).toContain('"/opt/fn/detect.ts"');
    expect(messageOf({ name: 'has space' })).toContain('got "has space"');
  });

  it('refuses environment variables with bad names or over 4 KB', () => {
    expect(messageOf({ environment: { '1BAD': 'x' } })).toContain('"1BAD"');
    expect(messageOf({ environment: { BIG: 'x'.repeat(5000) } })).toContain(
      'at most 4096 bytes; got 5003',
    );
  });
});

describe('vcpusForMemory', () => {
  it('gives one vCPU per 1,769 MB, at most 6', () => {
    expect(vcpusForMemory(1769)).toBe(1);
    expect(vcpusForMemory(128)).toBeCloseTo(0.0724, 4);
    expect(vcpusForMemory(10_240)).toBeCloseTo(5.789, 3);
    expect(vcpusForMemory(20_000)).toBe(6);
  });
});

describe('serializePayload', () => {
  it('measures the JSON in UTF-8 bytes and turns undefined into null', () => {
    expect(serializePayload('f', { word: 'é' }, 'RequestResponse')).toEqual({
      json: '{"word":"é"}',
      bytes: 13,
    });
    expect(serializePayload('f', undefined, 'Event')).toEqual({ json: 'null', bytes: 4 });
  });

  it('accepts exactly the limit and refuses one byte more', () => {
    const atLimit = 'x'.repeat(PAYLOAD_LIMITS.Event - 2);
    expect(serializePayload('f', atLimit, 'Event').bytes).toBe(262_144);
    expect(() => serializePayload('f', `${atLimit}x`, 'Event')).toThrow(
      /262145 bytes exceeds the 262144-byte limit/,
    );
  });

  it('refuses a payload that is not JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializePayload('f', cyclic, 'Event')).toThrow(
      expect.objectContaining({ code: 'INVALID_PAYLOAD' }),
    );
  });
});
