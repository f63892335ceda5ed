import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSharedVolume } from '../../../src/platform/storage/shared-volume.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lectern-volume-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('LocalSharedVolume', () => {
  it('resolves relative paths inside its root', () => {
    const volume = new LocalSharedVolume(root);
    expect(volume.path('tiles/doc-1/0.raw')).toBe(join(root, 'tiles/doc-1/0.raw'));
    expect(volume.path('tiles/../models/det.onnx')).toBe(join(root, 'models/det.onnx'));
    expect(volume.path('..hidden')).toBe(join(root, '..hidden'));
  });

  it.each(['../x', 'a/../../x', '/etc/passwd', 'a\0b', '..'])('refuses %j', (path) => {
    const volume = new LocalSharedVolume(root);
    expect(() => volume.path(path)).toThrow(
      expect.objectContaining({ code: 'PATH_OUTSIDE_VOLUME' }),
    );
  });
});
