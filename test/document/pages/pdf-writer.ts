/**
 * A tiny PDF writer for test fixtures: pages with Helvetica text, JPEG images and filled
 * rectangles, at any size and /Rotate. Enough to build the PDFs the pages stage must handle
 * without shipping binary files.
 */

export interface TextRun {
  x: number;
  y: number;
  size: number;
  text: string;
}

export interface PlacedImage {
  /** JPEG bytes (DCTDecode). */
  jpeg: Buffer;
  width: number;
  height: number;
  channels: 1 | 3;
  /** Placement matrix [a b c d e f] mapping the unit square onto the page. */
  matrix: [number, number, number, number, number, number];
}

export interface PageSpec {
  width: number;
  height: number;
  rotate?: number;
  texts?: TextRun[];
  images?: PlacedImage[];
  /** Filled black rectangles [x, y, width, height]. */
  rects?: Array<[number, number, number, number]>;
}

/** Serialises the pages into a PDF file. */
export function writePdf(pages: PageSpec[]): Buffer {
  const objects: Buffer[] = [];
  const add = (body: string | Buffer): number => {
    objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    return objects.length;
  };

  add(''); // 1: catalog, filled in last
  add(''); // 2: page tree, filled in last
  const font = add(
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  );
  const kids = pages.map((page) => addPage(page, font, add));

  objects[0] = Buffer.from('<< /Type /Catalog /Pages 2 0 R >>', 'latin1');
  const kidList = kids.map((k) => `${k} 0 R`).join(' ');
  objects[1] = Buffer.from(`<< /Type /Pages /Kids [${kidList}] /Count ${kids.length} >>`);
  return serialise(objects);
}

function addPage(page: PageSpec, font: number, add: (body: string | Buffer) => number): number {
  const images = (page.images ?? []).map((image) => add(imageObject(image)));
  const content = [
    ...(page.rects ?? []).map(([x, y, w, h]) => `0 g ${x} ${y} ${w} ${h} re f`),
    ...(page.images ?? []).map((image, i) => `q ${image.matrix.join(' ')} cm /Im${i} Do Q`),
    ...(page.texts ?? []).map(
      (t) => `BT /F1 ${t.size} Tf ${t.x} ${t.y} Td (${escapeString(t.text)}) Tj ET`,
    ),
  ].join('\n');
  const contents = add(stream('', Buffer.from(content, 'latin1')));
  const xobjects = images.map((ref, i) => `/Im${i} ${ref} 0 R`).join(' ');
  return add(
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${page.width} ${page.height}] /Rotate ${page.rotate ?? 0} ` +
      `/Resources << /Font << /F1 ${font} 0 R >> /XObject << ${xobjects} >> >> /Contents ${contents} 0 R >>`,
  );
}

function imageObject(image: PlacedImage): Buffer {
  const space = image.channels === 1 ? '/DeviceGray' : '/DeviceRGB';
  const dict = `/Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace ${space} /BitsPerComponent 8 /Filter /DCTDecode`;
  return stream(dict, image.jpeg);
}

function stream(dict: string, data: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

function escapeString(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}

function serialise(objects: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0]?.length ?? 0;
  objects.forEach((body, i) => {
    offsets.push(length);
    const chunk = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(chunk);
    length += chunk.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
    `trailer << /Size ${objects.length + 1} /Root 1 0 R >>`,
    'startxref',
    String(length),
    '%%EOF\n',
  ].join('\n');
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}
