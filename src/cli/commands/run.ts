/**
 * @module `lectern run <files or dirs...>`: the main job. Starts the embedded platform with the
 * Deep Reader stack, uploads every document in one burst, waits for each result or failure
 * (with a progress bar), writes the results to `--out` named as `lectern read` names them, and
 * prints a summary: outcomes (a document with a partly decoded page counts as partial, its
 * result still written), latency, invocations, cold starts, GB-seconds and cost under both
 * price tables. `--on-premise` reads the same batch on this machine without the platform.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import type { RecognitionEngine } from '../../document/recognition/recognizer.js';
import type { BatchDocument } from '../../workflows/deep-reader/batch-run.js';
import type { BatchSummary } from '../../workflows/deep-reader/batch-summary.js';
import type { IndexedDocument } from '../../workflows/deep-reader/results-index.js';
import { collectDocuments, outputPaths } from '../inputs.js';
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
  const { files, problems } = await collectDocuments(paths);
  for (const problem of problems) {
    process.stderr.write(`lectern: ${problem.path}: ${problem.code}: ${problem.message}\n`);
  }
  if (files.length === 0) {
    if (problems.length === 0) process.stderr.write('lectern: no supported documents found\n');
    return 1;
  }
  const progress = new BatchProgress(files.length);
  const onOutcome = (file: string, entry: IndexedDocument) => {
    if (entry.status === 'failed') {
      progress.log(`lectern: ${file}: ${entry.errorCode}: ${entry.errorMessage}`);
    }
    // Counted apart in the summary; named here too, as `read` names them, with their pages.
    if (entry.partialPages) {
      const pages = entry.partialPages.join(', ');
      progress.log(`lectern: ${file}: warning: only partly decoded, page(s) ${pages}`);
    }
    progress.advance(file);
  };
  let outcome: { documents: BatchDocument[]; summary: BatchSummary };
  try {
    outcome = await runBatchIn(files, options, onOutcome);
  } finally {
    progress.stop();
  }
  if (options.out) await writeResults(outcome.documents, files, options.out);
  printSummary(outcome.summary, options.json ?? false);
  const unfinished = outcome.documents.filter((d) => !d.entry).length;
  for (const document of outcome.documents.filter((d) => !d.entry)) {
    process.stderr.write(`lectern: ${document.file}: NO_OUTCOME: no result nor failure in time\n`);
  }
  return problems.length + outcome.summary.failed + unfinished === 0 ? 0 : 1;
}

async function runBatchIn(
  files: string[],
  options: RunCommandOptions,
  onOutcome: (file: string, entry: IndexedDocument) => void,
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

/** Each result where `lectern read --out` would put it. */
async function writeResults(documents: BatchDocument[], files: string[], out: string) {
  const targets = outputPaths(files, out, '.json');
  for (const document of documents) {
    const target = targets.get(document.file);
    if (!target || document.result === undefined) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${JSON.stringify(JSON.parse(document.result), null, 2)}\n`);
  }
}
