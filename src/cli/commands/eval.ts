/**
 * @module `lectern eval <dataset-dir>`: scores Lectern on a dataset in the SROIE layout
 * (`img/`, `box/`) or the FUNSD layout (`images/`, `annotations/`), recognised from the
 * folder, and prints a table; `--report` also writes the figures as JSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { RecognitionEngine } from '../../document/recognition/recognizer.js';
import { formatEvalTable, summarizeEval } from '../../lab/eval-report.js';
import { parseEngine, parseGrid, parseOverlap, parsePositiveInteger } from '../read-options.js';

interface EvalCommandOptions {
  report?: string;
  limit?: number;
  engine: RecognitionEngine;
  tiles: { rows: number; cols: number };
  overlap?: number;
  compareTiles?: { rows: number; cols: number };
  rounds: number;
  peer: boolean;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('score Lectern against ground truth (SROIE or FUNSD layout)')
    .argument(
      '<dataset-dir>',
      'folder holding img/ + box/ (SROIE) or images/ + annotations/ (FUNSD)',
    )
    .option('--report <file>', 'also write the figures as JSON to this file')
    .option('--limit <n>', 'score only the first n pages', parsePositiveInteger)
    .addOption(
      new Option('--engine <engine>', 'recognizer: onnx or tesseract')
        .argParser(parseEngine)
        .default('onnx'),
    )
    .addOption(
      new Option('--tiles <RxC>', 'detection tile grid (1x1: no tiling)')
        .argParser(parseGrid)
        .default({ rows: 3, cols: 3 }, '3x3'),
    )
    .option('--overlap <px>', 'tile overlap in detection pixels', parseOverlap)
    .option('--compare-tiles <RxC>', 'also read every page with this grid, e.g. 1x1', parseGrid)
    .addOption(
      new Option('--rounds <n>', 'timed rounds (accuracy from the first)')
        .argParser(parsePositiveInteger)
        .default(1),
    )
    .option('--no-peer', 'do not run the Tesseract CLI for the time ratio')
    .action(async (dataset: string, options: EvalCommandOptions) => {
      const { runEval } = await import('../../lab/eval.js');
      const run = await runEval({
        dataset,
        limit: options.limit,
        engine: options.engine,
        grid: options.tiles,
        overlap: options.overlap,
        compareGrid: options.compareTiles,
        rounds: options.rounds,
        peer: options.peer,
        onPage: (id, done, total) => process.stderr.write(`\r${done}/${total} ${id}   `),
      });
      process.stderr.write('\n');
      const report = summarizeEval(run, ['lectern', ...process.argv.slice(2)].join(' '));
      process.stdout.write(`${formatEvalTable(report)}\n`);
      if (!options.report) return;
      await mkdir(dirname(options.report), { recursive: true });
      await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`report: ${options.report}\n`);
    });
}
