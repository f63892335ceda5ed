/**
 * @module The page function: reads one page of a document with the same steps as `lectern
 * read` (orientation from content, detection, recognition, layout), except that detection is
 * fanned out to the detection function, tile by tile. Runs compiled, in platform instances.
 */
import { DirectionClassifier } from '../../document/direction-classifier.js';
import { readPageWith } from '../../document/read-page.js';
import { createRecognizer, type TextRecognizer } from '../../document/recognition/recognizer.js';
import { StageTimings } from '../../document/stage-timings.js';
import { LecternError } from '../../errors.js';
import type { Context, InitContext } from '../../platform/function.js';
import { readWorkflowConfig } from './config.js';
import { type PageEvent, type PageResponse, readPageTask, writePageResult } from './page-task.js';
import { remoteDetection } from './remote-detection.js';
import { threadsForMemory } from './threads.js';

const config = readWorkflowConfig();
let models: { recognizer: TextRecognizer; classifier: DirectionClassifier } | undefined;

/** Loads the recognizer and the direction classifier once per instance. */
export async function init(context: InitContext): Promise<void> {
  const threads = threadsForMemory(context.memoryLimitInMB);
  const [recognizer, classifier] = await Promise.all([
    createRecognizer({ engine: config.engine, languages: config.languages, threads }),
    DirectionClassifier.load({ threads }),
  ]);
  models = { recognizer, classifier };
}

/** Reads the page the event refers to; the result goes back through the volume. */
export async function handler(event: PageEvent, context: Context): Promise<PageResponse> {
  if (!models) throw new Error('the page function was not initialised');
  const page = await readPageTask(context.services.volume, event);
  const timings = new StageTimings();
  const detect = remoteDetection({
    services: context.services,
    detectFunction: config.detectFunction,
    workDir: `${event.pageDir}/tiles`,
    pageNumber: page.index + 1,
    document: event.document,
    retry: { maxThrottleWaitMs: config.throttleWaitMs },
    ...(config.detectConcurrency === undefined ? {} : { concurrency: config.detectConcurrency }),
  });
  try {
    const result = await readPageWith(
      page,
      models,
      { detection: event.detection, timings },
      detect,
    );
    return await writePageResult(context.services.volume, event, result, timings.snapshot());
  } catch (error) {
    if (!(error instanceof LecternError)) throw error;
    context.logger.warn({ err: error, document: event.document }, 'page failed');
    return { error: { code: error.code, message: error.message, details: error.details } };
  }
}
