import { describe, expect, it } from 'vitest';
import {
  findImagePlacements,
  type PlacementOps,
} from '../../../src/document/pages/pdf-placements.js';
import { type Bounds, chooseResolution } from '../../../src/document/pages/pdf-resolution.js';

const ops: PlacementOps = {
  save: 1,
  restore: 2,
  transform: 3,
  paintFormXObjectBegin: 4,
  paintFormXObjectEnd: 5,
  paintImageXObject: 6,
  paintInlineImageXObject: 7,
  paintImageMaskXObject: 8,
};

function list(...entries: Array<[number, unknown[] | null]>) {
  return { fnArray: entries.map((e) => e[0]), argsArray: entries.map((e) => e[1]) };
}

describe('findImagePlacements', () => {
  it('follows the transformation matrix through save, restore and forms', () => {
    const placements = findImagePlacements(
      list(
        [ops.save, null],
        [ops.transform, [1, 0, 0, 1, 100, 200]],
        [
          ops.paintFormXObjectBegin,
          [
            [2, 0, 0, 2, 0, 0],
            [0, 0, 1, 1],
          ],
        ],
        [ops.transform, [72, 0, 0, 36, 0, 0]],
        [ops.paintImageXObject, ['img1', 600, 300]],
        [ops.paintFormXObjectEnd, null],
        [ops.restore, null],
        [ops.transform, [144, 0, 0, 144, 0, 0]],
        [ops.paintImageMaskXObject, [{ width: 144, height: 144 }]],
      ),
      ops,
    );

    expect(placements).toHaveLength(2);
    // 600 x 300 pixels over 144 x 72 points (2 x 1 inches): 300 dpi, placed at (100, 200).
    expect(placements[0]?.bounds).toEqual([100, 200, 244, 272]);
    expect(placements[0]?.dpi).toBeCloseTo(300, 6);
    expect(placements[1]?.dpi).toBeCloseTo(72, 6);
  });

  it('measures a rotated placement by its area, not its bounding box', () => {
    const placements = findImagePlacements(
      list([ops.transform, [0, 72, -144, 0, 144, 0]], [ops.paintImageXObject, ['img', 300, 600]]),
      ops,
    );

    expect(placements[0]?.dpi).toBeCloseTo(300, 6);
    expect(placements[0]?.bounds).toEqual([0, 0, 144, 72]);
  });
});

describe('chooseResolution', () => {
  const placement = (dpi: number, bounds: Bounds) => {
    const area = (bounds[2] - bounds[0]) * (bounds[3] - bounds[1]);
    return { pixelWidth: 1, pixelHeight: 1, area, bounds, dpi };
  };

  it('renders a born-digital page at 300 dpi', () => {
    expect(chooseResolution([], [[50, 700, 300, 720]])).toEqual({ dpi: 300, source: 'default' });
  });

  it('renders a scan at its own resolution', () => {
    const scan = placement(589, [0, 0, 108, 205]);

    expect(chooseResolution([scan], [])).toEqual({ dpi: 589, source: 'scan' });
  });

  it('judges a small scan on a huge sheet by the content, not the sheet', () => {
    const receipt = placement(200, [7032, 6819, 7368, 7580]);

    expect(chooseResolution([receipt], []).dpi).toBe(200);
  });

  it('ignores a small logo on a text page', () => {
    const logo = placement(600, [50, 750, 100, 800]);

    expect(chooseResolution([logo], [[50, 50, 550, 740]]).source).toBe('default');
  });

  it('renders a scan carrying a text layer at no less than the default', () => {
    const scan = placement(200, [0, 0, 595, 842]);

    expect(chooseResolution([scan], [[50, 50, 550, 740]]).dpi).toBe(300);
  });

  it('takes the resolution most of the scanned area has, when strips differ', () => {
    const strips = [placement(300, [0, 0, 595, 600]), placement(100, [0, 600, 595, 842])];

    expect(chooseResolution(strips, []).dpi).toBe(300);
  });

  it('caps very fine scans at 1200 dpi', () => {
    expect(chooseResolution([placement(2400, [0, 0, 72, 72])], []).dpi).toBe(1200);
  });
});
