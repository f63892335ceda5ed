/**
 * @module `lectern run <files or dirs...>`: the main job. Starts the embedded platform with the
 * Deep Reader stack, uploads every document in one burst, waits for each result or failure
 * (with a progress bar), writes the results to `--out` named as `lectern read` names them, and
 * prints a summary: outcomes (a document with a partly decoded page counts as partial, its
 * result still written), latency, invocations, cold starts, GB-seconds and cost under both
 * price tables. `--on-premise` reads the same batch on this machine without the platform.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import type { RecognitionEngine } from '../../document/recognition/recognizer.js';
import { failureOf } from '../../errors.js';
import { type BatchDocument, NO_OUTCOME } from '../../workflows/deep-reader/batch-run.js';
import {
  type BatchSummary,
  failureMessage,
  outcomeCounts,
  withFailures,
} from '../../workflows/deep-reader/batch-summary.js';
import type { IndexedDocument } from '../../workflows/deep-reader/results-index.js';
import { collectAndReport, outputPaths } from '../inputs.js';
import { outDirRefusal } from '../out-dir.js';
import { BatchProgress } from '../progress.js';
import { addReadingOptions, parsePositiveInteger } from '../read-options.js';
import { printSummary } from '../run-summary.js';

interface RunCommandOptions {
  out?: string;
  onPremise?: boolean;
  state?: string;
  json?: boolean;
  engine: RecognitionEngine;
  lang?: string[];
  tiles?: { rows: number; cols: number };
  maxPages?: number;
  detectProvisioned?: number;
}

export function register(program: Command): void {
  const command = program
    .command('run')
    .description('read a batch of documents on the embedded serverless platform (the main job)')
    .argument('<paths...>', 'files, or directories walked recursively for supported documents')
    .option('-o, --out <dir>', 'write one result file per document here, named as `read` does')
    .option('--on-premise', 'read the batch on this machine with a worker pool, no platform')
    .option('--state <dir>', 'keep the platform state (buckets, records, index) here')
    .option('--json', 'print the summary as one JSON object');
  addReadingOptions(command)
    .option('--max-pages <n>', 'page cap: longer documents fail', parsePositiveInteger)
    .option(
      '--detect-provisioned <n>',
      'provisioned detection instances (default 9)',
      parsePositiveInteger,
    )
    .action(async (paths: string[], options: RunCommandOptions) => {
      process.exitCode = await runCommand(paths, options);
    });
}

async function runCommand(paths: string[], options: RunCommandOptions): Promise<number> {
  // Refused before any work: finding out after the batch would lose every result.
  const refusal = await outDirRefusal(options.out);
  if (refusal) {
    process.stderr.write(refusal);
    return 1;
  }
  const { files, unusable } = await collectAndReport(paths);
  if (files.length === 0) {
    // Scripts reading --json get their summary even when there was nothing to read.
    if (unusable.length > 0 || options.json) {
      printSummary(withFailures(emptySummary(options), unusable), options.json ?? false);
    }
    return 1;
  }

  const outcome = await runWithProgress(files, options);
  if ('interrupted' in outcome) return interrupted(outcome.interrupted, options);
  const summary = withFailures(outcome.summary, unusable);
  for (const document of outcome.documents.filter((d) => !d.entry)) {
    process.stderr.write(`lectern: ${document.file}: NO_OUTCOME: ${NO_OUTCOME}\n`);
  }
  const unwritten = options.out ? await writeResults(outcome.documents, files, options.out) : 0;
  printSummary(summary, options.json ?? false);
  if (!options.out) process.stderr.write(`lectern: ${whereResultsAre(options)}\n`);
  return summary.failed + unwritten === 0 ? 0 : 1;
}

/** The batch with its progress bar; on SIGINT or SIGTERM, the signal instead of an outcome. */
async function runWithProgress(
  files: string[],
  options: RunCommandOptions,
): Promise<{ documents: BatchDocument[]; summary: BatchSummary } | { interrupted: Signal }> {
  const progress = new BatchProgress(files.length);
  const onOutcome = (file: string, entry: IndexedDocument) => {
    if (entry.status === 'failed') {
      progress.log(`lectern: ${file}: ${entry.errorCode}: ${failureMessage(entry)}`);
    }
    // Counted apart in the summary; named here too, as `read` names them, with their pages.
    if (entry.partialPages) {
      const pages = entry.partialPages.join(', ');
      progress.log(`lectern: ${file}: warning: only partly decoded, page(s) ${pages}`);
    }
    progress.advance(file);
  };
  // On premise there is no platform to stop nor state to remove: a signal ends it as usual.
  const signals = options.onPremise ? undefined : abortOnSignals();
  try {
    return await runBatchIn(files, options, onOutcome, signals?.signal);
  } catch (error) {
    const received = signals?.received();
    if (received === undefined) throw error;
    return { interrupted: received };
  } finally {
    signals?.dispose();
    progress.stop();
  }
}

type Signal = 'SIGINT' | 'SIGTERM';

/**
 * SIGINT and SIGTERM turned into an abort, so that the platform is stopped and a temporary
 * state directory removed before the command exits. A second signal exits at once.
 */
function abortOnSignals(): {
  signal: AbortSignal;
  received: () => Signal | undefined;
  dispose: () => void;
} {
  const controller = new AbortController();
  let received: Signal | undefined;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      if (received !== undefined) process.exit(exitStatus(name));
      received = name;
      controller.abort(new Error(`interrupted by ${name}`));
    };
    process.on(name, handler);
    return () => process.off(name, handler);
  });
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      for (const remove of handlers) remove();
    },
  };
}

/** The shell's status for a command ended by `signal`: 128 + its number (130, 143). */
function exitStatus(signal: Signal): number {
  return 128 + constants.signals[signal];
}

function interrupted(signal: Signal, options: RunCommandOptions): number {
  const state = options.state
    ? `its state is kept in ${options.state} (run again with --state to reuse what finished)`
    : 'its temporary state is removed';
  process.stderr.write(`lectern: interrupted by ${signal}: the platform is stopped, ${state}\n`);
  return exitStatus(signal);
}

/** Tells, without --out, that no file was written and where the results can be had. */
function whereResultsAre(options: RunCommandOptions): string {
  const none = 'no result files written (--out DIR writes one JSON file per document)';
  if (options.onPremise) return none;
  if (options.state) {
    return `${none}; the results are kept in the output bucket under ${options.state}: run again with --state ${options.state} --out DIR to write them without reading again`;
  }
  return `${none}; the output bucket was in a temporary state directory, now removed (--state DIR keeps it)`;
}

/** A summary of no document, for a batch with none to read (maybe unusable inputs). */
function emptySummary(options: RunCommandOptions): BatchSummary {
  return { mode: options.onPremise ? 'on-premise' : 'platform', ...outcomeCounts([]) };
}

async function runBatchIn(
  files: string[],
  options: RunCommandOptions,
  onOutcome: (file: string, entry: IndexedDocument) => void,
  signal: AbortSignal | undefined,
) {
  const config = {
    engine: options.engine,
    ...(options.lang ? { languages: options.lang } : {}),
    ...(options.tiles ? { grid: options.tiles } : {}),
    ...(options.maxPages ? { maxPages: options.maxPages } : {}),
  };
  if (options.onPremise) {
    const { runOnPremise } = await import('../../workflows/deep-reader/on-premise.js');
    return runOnPremise(files, { config, onOutcome });
  }
  const { runBatch } = await import('../../workflows/deep-reader/batch-run.js');
  const provisioned = options.detectProvisioned;
  return runBatch(files, {
    ...(options.state ? { stateDir: options.state } : {}),
    ...(signal ? { signal } : {}),
    stack: {
      ...config,
      ...(provisioned
        ? {
            detect: {
              memoryMb: 1024,
              reservedConcurrency: Math.max(9, provisioned),
              provisionedConcurrency: provisioned,
            },
          }
        : {}),
    },
    onOutcome,
  });
}

/**
 * Each result where `lectern read --out` would put it. A result that cannot be written is
 * reported and the others are still written; resolves with how many were not.
 */
async function writeResults(
  documents: BatchDocument[],
  files: string[],
  out: string,
): Promise<number> {
  const targets = outputPaths(files, out, '.json');
  let unwritten = 0;
  for (const document of documents) {
    const target = targets.get(document.file);
    if (!target || document.result === undefined) continue;
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, `${JSON.stringify(JSON.parse(document.result), null, 2)}\n`);
    } catch (error) {
      const { code, message } = failureOf(error, target);
      process.stderr.write(`lectern: ${target}: ${code}: cannot write the result: ${message}\n`);
      unwritten += 1;
    }
  }
  return unwritten;
}
