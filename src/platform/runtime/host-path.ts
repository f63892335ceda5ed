/**
 * @module Where the compiled instance host lives. Instances run JavaScript only, so the
 * runtime always starts dist/platform/runtime/instance-host.js, whether the runtime itself was
 * imported from dist/ or from src/ (under vitest).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlatformError } from '../errors.js';

const HOST_IN_PACKAGE = join('dist', 'platform', 'runtime', 'instance-host.js');

/** The package root: the nearest directory above this file whose package.json names lectern. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readName(manifest) === 'lectern') return dir;
    if (dirname(dir) === dir) break;
  }
  throw new PlatformError('HOST_NOT_BUILT', `no lectern package.json above ${from}`);
}

/** Absolute path of the compiled instance host; HOST_NOT_BUILT when it is missing. */
export function instanceHostPath(): string {
  const path = join(packageRoot(), HOST_IN_PACKAGE);
  if (existsSync(path)) return path;
  throw new PlatformError(
    'HOST_NOT_BUILT',
    `the instance host ${path} does not exist: run \`npm run build\` first`,
  );
}

function readName(manifest: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
