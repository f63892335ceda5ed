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
  /** Files of the images folder that have no truth file, so are not scored (sorted). */
  withoutTruth: string[];
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
  const message = (await isFolder(root))
    ? `holds neither ${known.join(' nor ')}`
    : `is not a folder; expected one holding ${known.join(' or ')}`;
  throw new LabError('NOT_A_DATASET', message, { file: root });
}

/**
 * The pages of a dataset folder that have both an image and a truth file, sorted by id, up to
 * `limit`; the images without a truth file are named in `withoutTruth`. Fails with
 * BAD_GROUND_TRUTH when a truth file cannot be read or parsed, and NOT_A_DATASET when no image
 * has one (nothing would be scored).
 */
export async function loadDataset(
  root: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<Dataset> {
  const layout = await datasetLayout(root);
  const spec = LAYOUTS.find((l) => l.name === layout) as LayoutSpec;
  const images = await filesIn(join(root, spec.images));
  const pages: DatasetPage[] = [];
  const withoutTruth: string[] = [];
  for (const image of images) {
    if (pages.length >= limit) break;
    const id = basename(image, extname(image));
    const file = join(root, spec.truth, `${id}${spec.extension}`);
    const text = await readTruth(file);
    if (text === undefined) {
      withoutTruth.push(image);
      continue;
    }
    pages.push({ id, imagePath: join(root, spec.images, image), ...spec.parse(text, file) });
  }
  if (pages.length === 0) {
    throw new LabError(
      'NOT_A_DATASET',
      `has no image in ${spec.images}/ with a truth file in ${spec.truth}/ (${spec.extension})`,
      { file: root },
    );
  }
  return { layout, pages, withoutTruth };
}

async function filesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The truth file's text; undefined when there is none. */
async function readTruth(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const reason = (cause as Error).message;
    throw new LabError('BAD_GROUND_TRUTH', `the truth file cannot be read: ${reason}`, {
      file,
      cause,
    });
  }
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
