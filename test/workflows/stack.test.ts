import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, validateStack } from '../../src/platform/stack.js';
import { deployStack } from '../../src/platform/stack-deployer.js';
import { deepReaderStack } from '../../src/workflows/deep-reader/stack.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-stack-'));
  dirs.push(dir);
  return dir;
}

describe('the Deep Reader stack', () => {
  it('declares both buckets, the filtered trigger and three functions with their concurrency', () => {
    const stack = deepReaderStack();

    expect(validateStack(stack)).toBe(stack);
    expect(stack.buckets.map((b) => b.name)).toEqual(['lectern-input', 'lectern-output']);
    expect(stack.triggers).toEqual([
      expect.objectContaining({
        bucket: 'lectern-input',
        functionName: 'lectern-ocr',
        prefix: 'uploads/',
      }),
    ]);
    const detect = stack.functions.find((f) => f.name === 'lectern-detect');
    expect(detect).toMatchObject({ reservedConcurrency: 9, provisionedConcurrency: 9 });
    expect(stack.functions.every((f) => f.reservedConcurrency !== undefined)).toBe(true);
    expect(stack.volume?.seeds?.[0]?.path).toBe('models/text-detection.onnx');
  });

  it('is refused when a trigger names a function it does not declare', () => {
    const stack = deepReaderStack();
    const broken: Stack = {
      ...stack,
      triggers: stack.triggers.map((t) => ({ ...t, functionName: 'nobody' })),
    };

    expect(() => validateStack(broken)).toThrow(/invokes function "nobody", which is not declared/);
  });
});

describe('deployStack', () => {
  it('seeds the volume once, before any instance starts, and keeps an existing file', async () => {
    const source = join(tempDir(), 'model.bin');
    writeFileSync(source, 'weights');
    const stateDir = tempDir();
    const stack: Stack = {
      name: 'seeded',
      buckets: [{ name: 'some-bucket' }],
      functions: [],
      triggers: [],
      volume: { seeds: [{ path: 'models/model.bin', source }] },
    };

    const first = await deployStack(stack, { stateDir });
    await first.platform.close();
    writeFileSync(source, 'changed');
    const second = await deployStack(stack, { stateDir });
    await second.platform.close();

    expect(first.seeded).toEqual(['models/model.bin']);
    expect(second.seeded).toEqual([]);
    const seeded = join(stateDir, 'volume', 'models', 'model.bin');
    expect(existsSync(seeded) && statSync(seeded).isFile()).toBe(true);
    expect(readFileSync(seeded, 'utf8')).toBe('weights');
  });
});
