import { describe, expect, it } from 'vitest';
import { ModelAsset, modelAssetPath } from '../../src/document/onnx-session.js';
import { SessionWorkers } from '../../src/document/session-workers.js';

/** A detection input large enough to keep a worker busy for a few hundred milliseconds. */
function largeTile(): { data: Float32Array; dims: number[] } {
  const dims = [1, 3, 1600, 1600];
  return { data: new Float32Array(3 * 1600 * 1600).fill(0.5), dims };
}

describe('SessionWorkers.close', () => {
  // Terminating the worker here used to abort the whole test process (exit 134), which
  // vitest reports as a failed run rather than a passed test.
  it('lets a run in progress finish, rejects it and ends the worker without aborting', async () => {
    const workers = await SessionWorkers.start(modelAssetPath(ModelAsset.detection), {
      label: 'detection',
    });
    const run = workers.run(largeTile());
    const outcome = run.then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));

    await workers.close();

    expect(await outcome).toBe('detection: the model was disposed');
    await expect(workers.run(largeTile())).rejects.toThrow('the model was disposed');
  });
});
