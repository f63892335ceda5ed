/**
 * Builds a long scanned PDF, one receipt image per page at 300 dpi, to check that a
 * many-page document finishes within the OCR function's timeout:
 *
 *   npx tsx bench/long-pdf.ts ../shared/data/sroie/img 50 /tmp/long-50.pdf
 *   node bin/lectern.js run /tmp/long-50.pdf --out /tmp/long-50-out
 *
 * The images are evaluation data that may not be shipped, so the PDF is made on demand.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { type PageSpec, writePdf } from '../test/document/pages/pdf-writer.js';

const POINTS_PER_PIXEL = 72 / 300;

async function main(): Promise<void> {
  const [folder, countText, target] = process.argv.slice(2);
  if (!folder || !countText || !target) {
    throw new Error('usage: long-pdf.ts <image folder> <pages> <output.pdf>');
  }

  const images = (await readdir(folder)).filter((name) => /\.jpe?g$/i.test(name)).sort();
  const count = Number(countText);
  const pages: PageSpec[] = [];
  for (let index = 0; index < count; index += 1) {
    pages.push(await receiptPage(join(folder, images[index % images.length] as string)));
  }
  await writeFile(target, writePdf(pages));
  console.log(`${target}: ${count} pages`);
}

async function receiptPage(path: string): Promise<PageSpec> {
  // Re-encoded as baseline RGB JPEG: the fixture writer embeds DCT data as is.
  const { data, info } = await sharp(await readFile(path))
    .rotate()
    .removeAlpha()
    .jpeg({ quality: 90 })
    .toBuffer({ resolveWithObject: true });
  const width = info.width * POINTS_PER_PIXEL;
  const height = info.height * POINTS_PER_PIXEL;
  return {
    width,
    height,
    images: [
      {
        jpeg: data,
        width: info.width,
        height: info.height,
        channels: info.channels === 1 ? 1 : 3,
        matrix: [width, 0, 0, height, 0, 0],
      },
    ],
  };
}

await main();
