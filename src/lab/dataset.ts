/**
 * @module The datasets `lectern eval` scores, told apart by their folder layout:
 * - SROIE: `img/<id>.<ext>` and `box/<id>.csv` (text segments, see sroie.ts);
 * - FUNSD: `images/<id>.<ext>` and `annotations/<id>.json` (words, see funsd.ts).
 *
 * The layouts differ only here, in how the truth is loaded; every page is then scored by the
 * same code (page-score.ts).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { LabError } from './errors.js';
import { funsdTruth } from './funsd.js';
import type { PlacedText } from './metrics.js';
import { sroieTruth } from './sroie.js';

export type DatasetLayout = 'sroie' | 'funsd';

/** The ground truth of one page, as every layout is scored. */
export interface PageTruth {
  /** The truth's text as lines, for word F1 and CER (SROIE: its segments; FUNSD: its rows). */
  truth: PlacedText[];
  /**
   * Word-level truth, when the layout has it (FUNSD). Its boxes are scored against Lectern's
   * word boxes; without it, the lines' boxes are scored against the detector's boxes.
   */
  truthWords?: PlacedText[];
}

export interface DatasetPage extends PageTruth {
  id: string;
  imagePath: string;
}

export interface Dataset {
  layout: DatasetLayout;
  pages: DatasetPage[];
}

interface LayoutSpec {
  name: DatasetLayout;
  images: string;
  truth: string;
  extension: string;
  parse: (text: string, file: string) => PageTruth;
}

const LAYOUTS: readonly LayoutSpec[] = [
  { name: 'sroie', images: 'img', truth: 'box', extension: '.csv', parse: sroieTruth },
  {
    name: 'funsd',
    images: 'images',
    truth: 'annotations',
    extension: '.json',
    parse: funsdTruth,
  },
];

/** The layout of a dataset folder; a NOT_A_DATASET error naming the folder otherwise. */
export async function datasetLayout(root: string): Promise<DatasetLayout> {
  for (const layout of LAYOUTS) {
    const found = await Promise.all([
      isFolder(join(root, layout.images)),
      isFolder(join(root, layout.truth)),
    ]);
    if (found.every(Boolean)) return layout.name;
  }
  const known = LAYOUTS.map((l) => `${l.images}/ + ${l.truth}/ (${l.name.toUpperCase()})`);
  const what = (await isFolder(root)) ? 'holds neither' : 'is not a folder; expected';
  throw new LabError('NOT_A_DATASET', `${what} ${known.join(' nor ')}`, { file: root });
}

/** The pages of a dataset folder that have both an image and a truth file, sorted by id. */
export async function loadDataset(
  root: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<Dataset> {
  const layout = await datasetLayout(root);
  const spec = LAYOUTS.find((l) => l.name === layout) as LayoutSpec;
  const images = (await readdir(join(root, spec.images))).sort();
  const pages: DatasetPage[] = [];
  for (const image of images) {
    if (pages.length >= limit) break;
    const id = basename(image, extname(image));
    const file = join(root, spec.truth, `${id}${spec.extension}`);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    pages.push({ id, imagePath: join(root, spec.images, image), ...spec.parse(text, file) });
  }
  return { layout, pages };
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
