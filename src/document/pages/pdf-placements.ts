/**
 * Where a PDF page paints its raster images, read from pdf.js's operator list by following the
 * current transformation matrix. A scanned page is one large image; its pixel size against its
 * placed size gives the resolution the scan was made at, which is the resolution worth
 * rendering the page at (a 1.5-inch page holding a 590 dpi scan must not be rendered at 72 dpi).
 */

/** An affine matrix [a, b, c, d, e, f] as PDF writes it. */
export type Matrix = [number, number, number, number, number, number];

/** One image drawn on the page. */
export interface ImagePlacement {
  /** Pixel size of the image itself. */
  pixelWidth: number;
  pixelHeight: number;
  /** Area the image covers on the page, in square PDF units. */
  area: number;
  /** Bounding box of the placement in PDF user space: [x0, y0, x1, y1]. */
  bounds: [number, number, number, number];
  /** Pixels per inch of the image as placed (geometric mean of both axes), for 1 unit = 1 pt. */
  dpi: number;
}

/** The subset of pdf.js's `OPS` table this module reads (numbers differ between versions). */
export interface PlacementOps {
  save: number;
  restore: number;
  transform: number;
  paintFormXObjectBegin: number;
  paintFormXObjectEnd: number;
  paintImageXObject: number;
  paintInlineImageXObject: number;
  paintImageMaskXObject: number;
}

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** Every image placement in an operator list, in painting order. */
export function findImagePlacements(
  operatorList: { fnArray: number[]; argsArray: unknown[] },
  ops: PlacementOps,
): ImagePlacement[] {
  const placements: ImagePlacement[] = [];
  const stack: Matrix[] = [];
  let ctm = IDENTITY;

  operatorList.fnArray.forEach((fn, i) => {
    const args = operatorList.argsArray[i] as unknown[] | null;
    if (fn === ops.save) stack.push(ctm);
    else if (fn === ops.restore) ctm = stack.pop() ?? IDENTITY;
    else if (fn === ops.transform) ctm = multiply(ctm, args as Matrix);
    else if (fn === ops.paintFormXObjectBegin) {
      stack.push(ctm);
      if (isMatrix(args?.[0])) ctm = multiply(ctm, args[0]);
    } else if (fn === ops.paintFormXObjectEnd) ctm = stack.pop() ?? IDENTITY;
    else {
      const size = imageSize(fn, args, ops);
      if (size) placements.push(place(ctm, size.width, size.height));
    }
  });
  return placements;
}

function imageSize(
  fn: number,
  args: unknown[] | null,
  ops: PlacementOps,
): { width: number; height: number } | undefined {
  if (!args) return undefined;
  if (fn === ops.paintImageXObject) return sizeOf(args[1], args[2]);
  if (fn === ops.paintInlineImageXObject || fn === ops.paintImageMaskXObject) {
    const image = args[0] as { width?: unknown; height?: unknown } | undefined;
    return sizeOf(image?.width, image?.height);
  }
  // Repeated stamps (paintImageXObjectRepeat) carry no pixel size and are small tiles or
  // patterns, never a page scan: they are left out.
  return undefined;
}

function sizeOf(width: unknown, height: unknown): { width: number; height: number } | undefined {
  if (typeof width !== 'number' || typeof height !== 'number') return undefined;
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** An image fills the unit square of the current matrix. */
function place(ctm: Matrix, pixelWidth: number, pixelHeight: number): ImagePlacement {
  const [a, b, c, d, e, f] = ctm;
  const corners = [
    [e, f],
    [a + e, b + f],
    [c + e, d + f],
    [a + c + e, b + d + f],
  ] as const;
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  const area = Math.abs(a * d - b * c);
  const inches = area / (72 * 72);
  return {
    pixelWidth,
    pixelHeight,
    area,
    bounds: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
    dpi: inches > 0 ? Math.sqrt((pixelWidth * pixelHeight) / inches) : 0,
  };
}

/** `m` applied first, then `ctm` (PDF's `cm` operator). */
export function multiply(ctm: Matrix, m: Matrix): Matrix {
  const [a, b, c, d, e, f] = ctm;
  const [ma, mb, mc, md, me, mf] = m;
  return [
    ma * a + mb * c,
    ma * b + mb * d,
    mc * a + md * c,
    mc * b + md * d,
    me * a + mf * c + e,
    me * b + mf * d + f,
  ];
}

function isMatrix(value: unknown): value is Matrix {
  return Array.isArray(value) && value.length === 6 && value.every((v) => typeof v === 'number');
}
