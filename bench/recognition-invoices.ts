/**
 * Recognition on the invoice PDFs of ../shared/data/invoices-pdf, OCR forced, scored against
 * their own text layers (`<stem>.textlayer.txt`, pages split by form feeds): word F1 as in
 * bench/recognition.ts, and how many of the text layer's words with non-ASCII characters
 * (ü, é, €...) were read. Each document is read with its own language plus English, unless
 * `--lang` fixes the languages.
 *
 *   npm run bench:recognition-invoices -- [--data DIR] [--engine onnx|tesseract] [--lang eng]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectPage, TextDetector } from '../src/document/detection.js';
import { loadPages } from '../src/document/pages.js';
import {
  createRecognizer,
  type RecognitionEngine,
  type TextRecognizer,
} from '../src/document/recognition/recognizer.js';
import { addCounts, type MatchCounts, score, tokenize, wordCounts } from '../src/lab/metrics.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '../shared/data/invoices-pdf' },
    engine: { type: 'string', default: 'onnx' },
    lang: { type: 'string' },
  },
});

const LANGUAGES: Record<string, string[]> = {
  de: ['deu', 'eng'],
  fr: ['fra', 'eng'],
  nl: ['nld', 'eng'],
  en: ['eng'],
};

interface ManifestEntry {
  id: string;
  file: string;
  language: string;
  text_layer?: { textlayer_file?: string };
}

const recognizers = new Map<string, TextRecognizer>();

async function recognizerFor(languages: string[]): Promise<TextRecognizer> {
  const key = languages.join('+');
  const known = recognizers.get(key);
  if (known) return known;
  const created = await createRecognizer({ engine: args.engine as RecognitionEngine, languages });
  recognizers.set(key, created);
  return created;
}

function nonAscii(predicted: string, truth: string): MatchCounts {
  const wanted = tokenize(truth, true).filter((token) => /[^\x20-\x7e]/.test(token));
  return wordCounts(predicted, wanted.join(' '), true);
}

async function main(): Promise<void> {
  const manifest = JSON.parse(
    await readFile(join(args.data, 'manifest.json'), 'utf8'),
  ) as ManifestEntry[];
  const detector = await TextDetector.load();
  const all: MatchCounts[] = [];
  const signs: MatchCounts[] = [];
  for (const entry of manifest) {
    const layer = entry.text_layer?.textlayer_file;
    if (!layer) continue;
    const truths = (await readFile(join(args.data, layer), 'utf8')).split('\f');
    const languages = args.lang ? args.lang.split(',') : (LANGUAGES[entry.language] ?? ['eng']);
    const recognizer = await recognizerFor(languages);
    const bytes = await readFile(join(args.data, entry.file));
    const loaded = await loadPages(bytes, { document: entry.file, forceOcr: true });
    for await (const page of loaded.pages) {
      const boxes = await detectPage(detector, page.raster);
      const lines = await recognizer.recognize(page.raster, boxes);
      const text = lines.map((line) => line.text).join('\n');
      const truth = truths[page.index] ?? '';
      const counts = wordCounts(text, truth, true);
      const found = nonAscii(text, truth);
      all.push(counts);
      signs.push(found);
      const f1 = score(counts).f1.toFixed(3);
      console.log(`${entry.id} p${page.index + 1} ${languages.join('+')} F1 ${f1}`, found);
    }
  }
  for (const recognizer of recognizers.values()) await recognizer.dispose();
  await detector.dispose();
  const found = addCounts(signs);
  console.log(
    JSON.stringify(
      {
        engine: args.engine,
        wordF1CaseInsensitive: score(addCounts(all)).f1,
        nonAsciiWordsFound: `${found.matched}/${found.truth}`,
      },
      null,
      2,
    ),
  );
}

await main();
