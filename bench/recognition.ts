/**
 * Recognition benchmark on a SROIE-layout folder (img/*.jpg, box/*.csv): the detector (3x3
 * tiles, as the reader runs it) + a recognizer + layout, scored by word F1 (multisets of
 * whitespace tokens after NFKC, case-insensitive and case-sensitive, summed over the set), with
 * the median wall and CPU milliseconds per page of recognition alone (models loaded).
 *
 *   npm run bench:recognition -- [--data DIR] [--engine onnx|tesseract] [--lang eng,deu]
 *     [--limit N] [--threads N] [--truth-boxes] [--json FILE]
 *
 * `--truth-boxes` recognizes the ground-truth segments instead of detected boxes, which
 * separates recognition errors from detection errors.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DetectedBox } from '../src/document/detection.js';
import { detectPage, TextDetector } from '../src/document/detection.js';
import { boxOfPolygon } from '../src/document/geometry.js';
import { layoutPage } from '../src/document/layout.js';
import {
  createRecognizer,
  type RecognitionEngine,
} from '../src/document/recognition/recognizer.js';
import { addCounts, type MatchCounts, median, score, wordCounts } from '../src/lab/metrics.js';
import { firstPageRaster } from '../src/lab/page-raster.js';
import { parseBoxFile } from '../src/lab/sroie.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/sroie' },
    engine: { type: 'string', default: 'onnx' },
    lang: { type: 'string', default: 'eng' },
    limit: { type: 'string' },
    threads: { type: 'string' },
    'truth-boxes': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

interface PageFigures {
  id: string;
  lines: number;
  wallMs: number;
  cpuMs: number;
  insensitive: MatchCounts;
  sensitive: MatchCounts;
}

function truthBoxes(truth: ReturnType<typeof parseBoxFile>): DetectedBox[] {
  return truth.map(({ polygon }) => ({ polygon, box: boxOfPolygon(polygon), score: 1 }));
}

async function main(): Promise<void> {
  const images = join(args.data, 'img');
  const ids = (await readdir(images))
    .filter((name) => /\.(jpe?g|png)$/i.test(name))
    .sort()
    .slice(0, args.limit ? Number(args.limit) : undefined);
  const threads = args.threads ? Number(args.threads) : undefined;
  const detector = await TextDetector.load({ workers: threads });
  const recognizer = await createRecognizer({
    engine: args.engine as RecognitionEngine,
    languages: args.lang.split(','),
    threads,
  });

  const pages: PageFigures[] = [];
  for (const name of ids) {
    const id = basename(name).replace(/\.[^.]+$/, '');
    const truth = parseBoxFile(await readFile(join(args.data, 'box', `${id}.csv`), 'utf8'));
    const raster = await firstPageRaster(join(images, name));
    const boxes = args['truth-boxes'] ? truthBoxes(truth) : await detectPage(detector, raster);

    const cpu = process.cpuUsage();
    const start = performance.now();
    const lines = await recognizer.recognize(raster, boxes);
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);

    const blocks = layoutPage(lines, raster);
    const text = blocks.map((block) => block.text).join('\n');
    const truthText = truth.map((segment) => segment.text).join('\n');
    pages.push({
      id,
      lines: boxes.length,
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      insensitive: wordCounts(text, truthText, true),
      sensitive: wordCounts(text, truthText, false),
    });
    const last = pages[pages.length - 1] as PageFigures;
    const f1 = score(last.insensitive).f1;
    console.log(`${id} lines ${last.lines} F1 ${f1.toFixed(3)} ${Math.round(wallMs)} ms`);
  }
  await recognizer.dispose();
  await detector.dispose();

  const insensitive = score(addCounts(pages.map((page) => page.insensitive)));
  const sensitive = score(addCounts(pages.map((page) => page.sensitive)));
  const summary = {
    engine: recognizer.engine,
    languages: args.lang,
    boxes: args['truth-boxes'] ? 'truth' : 'detected',
    pages: pages.length,
    wordF1CaseInsensitive: insensitive.f1,
    precision: insensitive.precision,
    recall: insensitive.recall,
    wordF1CaseSensitive: sensitive.f1,
    medianRecognitionMs: median(pages.map((page) => page.wallMs)),
    medianRecognitionCpuMs: median(pages.map((page) => page.cpuMs)),
  };
  console.log(JSON.stringify(summary, null, 2));
  if (args.json) await writeFile(args.json, JSON.stringify({ summary, pages }, null, 2));
}

await main();
