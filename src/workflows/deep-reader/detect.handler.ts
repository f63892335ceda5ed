/**
 * @module The detection function: one tile in, its text boxes out. The model is loaded once
 * per instance, from the shared volume (the stack seeds it there at deploy), as the paper's
 * detection functions load theirs from EFS. Runs compiled, in platform instances.
 */
import { TextDetector } from '../../document/detection.js';
import type { Context, InitContext } from '../../platform/function.js';
import { readWorkflowConfig } from './config.js';
import type { DetectEvent, DetectResponse } from './remote-detection.js';
import { threadsForMemory } from './threads.js';
import { readRaster } from './volume-files.js';

let detector: TextDetector | undefined;

/** Loads the detection model from the shared volume. */
export async function init(context: InitContext): Promise<void> {
  const modelPath = context.services.volume.path(readWorkflowConfig().detectModel);
  // One tile per invocation: one session, given the instance's whole CPU share.
  detector = await TextDetector.load({
    modelPath,
    workers: 1,
    threads: threadsForMemory(context.memoryLimitInMB),
  });
}

/** Detects the tile the event refers to. */
export async function handler(event: DetectEvent, context: Context): Promise<DetectResponse> {
  if (!detector) throw new Error('the detection function was not initialised');
  const tile = await readRaster(context.services.volume, event.tile);
  return { boxes: await detector.detect(tile) };
}
