/**
 * @module A document read on the platform: the OCR function decodes the pages one at a time
 * and hands each to a page-function invocation as soon as it is decoded, so the pages of a
 * long document are read in parallel; the results are assembled in page order into the same
 * DocumentResult that `lectern read` gives.
 */
import type { DocumentResult, PageResult } from '../../document/result.js';
import type { StageTimings } from '../../document/stage-timings.js';
import { LecternError } from '../../errors.js';
import type { Services } from '../../platform/function.js';
import type { WorkflowConfig } from './config.js';
import { assembleResult, openDocument } from './document-assembly.js';
import { WorkflowError } from './errors.js';
import { invokeWithRetry } from './invoke-retry.js';
import { type PageEvent, type PageResponse, writePageTask } from './page-task.js';
import { Slots } from './slots.js';
import { readJson } from './volume-files.js';

/** Pages handed out at once; more wait for a free slot (bounding the rasters on the volume). */
const PAGES_IN_FLIGHT = 8;

/** Reads `bytes` (the upload `document`) with the page and detection functions. */
export async function readRemotely(
  bytes: Uint8Array,
  document: string,
  services: Services,
  config: WorkflowConfig,
  workDir: string,
): Promise<DocumentResult> {
  const { timings, loaded, detection } = await openDocument(bytes, document, config);
  const slots = new Slots(PAGES_IN_FLIGHT);
  const pending: Array<Promise<PageResult>> = [];
  const iterator = loaded.pages[Symbol.asyncIterator]();
  let failed = false;
  try {
    for (;;) {
      await slots.take();
      if (failed) break;
      const next = await timings.time('decode', () => iterator.next());
      if (next.done) break;
      const event = await writePageTask(
        services.volume,
        document,
        `${workDir}/page-${next.value.index + 1}`,
        next.value,
        detection,
      );
      const read = readOnePage(event, next.value.index + 1, services, config, timings);
      pending.push(read.finally(() => slots.give()));
      // Failures are reported below; a failed page also stops the decoding of further pages.
      read.catch(() => {
        failed = true;
      });
    }
  } catch (error) {
    await iterator.return?.().catch(() => undefined);
    await Promise.allSettled(pending);
    throw error;
  }
  if (failed) await iterator.return?.().catch(() => undefined);
  // Every page settles before the document's folder is removed; the first failure, in page
  // order, is the document's.
  const settled = await Promise.allSettled(pending);
  const rejected = settled.find((s) => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  const pages = settled.map((s) => (s as PromiseFulfilledResult<PageResult>).value);
  return assembleResult({ bytes, document, loaded, pages, timings, config });
}

async function readOnePage(
  event: PageEvent,
  number: number,
  services: Services,
  config: WorkflowConfig,
  timings: StageTimings,
): Promise<PageResult> {
  let response: PageResponse;
  try {
    ({ value: response } = await invokeWithRetry(
      () => services.invoke(config.pageFunction, event) as Promise<PageResponse>,
      { maxThrottleWaitMs: config.throttleWaitMs },
    ));
  } catch (error) {
    throw new WorkflowError('PAGE_FAILED', `page ${number}: ${(error as Error).message}`, {
      document: event.document,
      cause: error,
      details: { page: number },
    });
  }
  if ('error' in response) {
    const { code, message, details } = response.error;
    throw new LecternError(code, message, { details: { page: number, ...details } });
  }
  for (const [stage, ms] of Object.entries(response.timings)) {
    if (stage !== 'total') timings.add(stage, ms);
  }
  return readJson<PageResult>(services.volume, response.resultPath);
}
