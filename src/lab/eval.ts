/**
 * @module `lectern eval`: Lectern's accuracy, speed and memory on a dataset in the SROIE or
 * the FUNSD layout (dataset.ts), with the Tesseract CLI (one thread) run on the same pages, interleaved page by page,
 * as the yardstick for time (this machine's noise is ~30%, so a ratio to a peer measured at
 * the same moments says more than seconds alone).
 *
 * Time per page is from the document's bytes to its result, decoding included, one page at
 * a time, models already loaded (one untimed warm-up read first). Nothing here is fed back
 * into Lectern: the ground truth is only compared against, never used to tune anything.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { DetectedBox } from '../document/detection.js';
import { Reader, type ReadOptions } from '../document/read.js';
import { type DocumentResult, pageLines, pageWords } from '../document/result.js';
import type { TileGrid } from '../document/tiles.js';
import { type DatasetLayout, type DatasetPage, loadDataset } from './dataset.js';
import { PeakMemory } from './memory.js';
import { type PageScore, scorePage } from './page-score.js';
import { findTesseractCli, runTesseractCli } from './tesseract-cli.js';

export interface EvalOptions {
  dataset: string;
  /** Score only the first N pages (sorted by id). Default: all. */
  limit?: number;
  engine?: ReadOptions['engine'];
  /** Lectern's tile grid. Default 3x3. */
  grid?: TileGrid;
  overlap?: number;
  /** Also read every page with this grid (e.g. 1x1) to measure what tiling costs. */
  compareGrid?: TileGrid;
  /** Timed rounds over the set; accuracy is taken from the first. Default 1. */
  rounds?: number;
  /** Run the Tesseract CLI as the time yardstick. Default true (skipped if not on PATH). */
  peer?: boolean;
  /** Called after each page with its id and position, for progress. */
  onPage?: (id: string, done: number, total: number) => void;
}

/** Everything measured for one configuration of Lectern. */
export interface RunFigures {
  label: string;
  pages: PageScore[];
  secondsPerPage: number[];
}

export interface EvalRun {
  dataset: string;
  layout: DatasetLayout;
  pages: DatasetPage[];
  /** Images of the dataset not scored for want of a truth file. */
  withoutTruth: string[];
  lectern: RunFigures;
  compared?: RunFigures;
  peer?: RunFigures & { version: string };
  peerMissing?: string;
  peakMemoryBytes: number;
  rounds: number;
}

/** Reads the dataset as configured and scores every page. */
export async function runEval(options: EvalOptions): Promise<EvalRun> {
  const { layout, pages, withoutTruth } = await loadDataset(options.dataset, options.limit);
  const rounds = options.rounds ?? 1;
  const peerPids = new Set<number>();
  const memory = new PeakMemory({ exclude: (pid) => peerPids.has(pid) });
  const tesseract = options.peer === false ? undefined : findTesseractCli();

  const grid = options.grid ?? { rows: 3, cols: 3 };
  const reader = await Reader.create({ engine: options.engine, grid, overlap: options.overlap });
  const lectern = emptyRun(`lectern ${grid.rows}x${grid.cols}`);
  const compareGrid = options.compareGrid;
  const compared = compareGrid
    ? emptyRun(`lectern ${compareGrid.rows}x${compareGrid.cols}`)
    : undefined;
  const peer = tesseract
    ? { ...emptyRun('tesseract CLI (1 thread)'), version: tesseract.version }
    : undefined;

  try {
    if (pages[0]) await reader.read(await readFile(pages[0].imagePath), { document: pages[0].id });
    for (let round = 0; round < rounds; round += 1) {
      for (const [i, page] of pages.entries()) {
        const bytes = await readFile(page.imagePath);
        await measureLectern(reader, page, bytes, lectern, round === 0);
        if (compared && compareGrid) {
          await measureLectern(reader, page, bytes, compared, round === 0, compareGrid);
        }
        if (peer) await measurePeer(page, peer, round === 0, (pid) => peerPids.add(pid));
        memory.sample();
        options.onPage?.(page.id, round * pages.length + i + 1, rounds * pages.length);
      }
    }
  } finally {
    await reader.close();
  }

  return {
    dataset: options.dataset,
    layout,
    pages,
    withoutTruth,
    lectern,
    ...(compared ? { compared } : {}),
    ...(peer ? { peer } : { peerMissing: missingPeerNote(options.peer) }),
    peakMemoryBytes: memory.stop(),
    rounds,
  };
}

function emptyRun(label: string): RunFigures {
  return { label, pages: [], secondsPerPage: [] };
}

async function measureLectern(
  reader: Reader,
  page: DatasetPage,
  bytes: Buffer,
  figures: RunFigures,
  score: boolean,
  grid?: TileGrid,
): Promise<void> {
  const detections: DetectedBox[] = [];
  const started = performance.now();
  const result = await reader.read(bytes, {
    document: page.id,
    ...(grid ? { grid } : {}),
    onDetections: (_page, boxes) => detections.push(...boxes),
  });
  figures.secondsPerPage.push((performance.now() - started) / 1000);
  if (score) figures.pages.push(scorePage(page, readingOf(result), detections));
}

async function measurePeer(
  page: DatasetPage,
  figures: RunFigures,
  score: boolean,
  onSpawn: (pid: number) => void,
): Promise<void> {
  const reading = await runTesseractCli(page.imagePath, onSpawn);
  figures.secondsPerPage.push(reading.seconds);
  if (!score) return;
  const lines = reading.text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((text, i) => ({ text, box: { x: 0, y: i * 10, width: 1, height: 10 } }));
  figures.pages.push(scorePage(page, { text: reading.text, lines, words: [] }));
}

/** What scoring needs from a result: all its text, its lines and its words, with boxes. */
function readingOf(result: DocumentResult) {
  const pages = result.pages;
  return {
    text: pages
      .map((page) =>
        pageLines(page)
          .map((line) => line.text)
          .join('\n'),
      )
      .join('\n'),
    lines: pages.flatMap(pageLines),
    words: pages.flatMap(pageWords),
  };
}

function missingPeerNote(requested: boolean | undefined): string {
  if (requested === false) return 'not run (--no-peer)';
  return 'tesseract is not on PATH: no time ratio (on Debian: apt-get install tesseract-ocr)';
}
