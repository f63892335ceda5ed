/**
 * @module The shared volume: one directory that every instance of every function sees (the
 * paper's Amazon EFS mount). Handlers get paths inside it from `context.services.volume`.
 */
import { mkdirSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { StorageError } from './storage-error.js';

/** A directory shared by all instances. */
export interface SharedVolume {
  /** Absolute path of the volume's root directory. */
  readonly root: string;
  /**
   * The absolute path of `relative` inside the volume. Throws (code PATH_OUTSIDE_VOLUME) for
   * a path that would escape the root: `..` segments that climb out, absolute paths, NUL.
   */
  path(relative: string): string;
}

/**
 * A {@link SharedVolume} on a local directory (created if absent).
 *
 * The check is lexical: a symbolic link that a handler itself creates inside the volume can
 * still point elsewhere, as on any shared file system.
 */
export class LocalSharedVolume implements SharedVolume {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    mkdirSync(this.root, { recursive: true });
  }

  path(relativePath: string): string {
    const problem = pathProblem(relativePath);
    if (problem === undefined) {
      const target = resolve(this.root, relativePath);
      const inside = relative(this.root, target);
      if (!climbsOut(inside)) return target;
    }
    throw new StorageError(
      'PATH_OUTSIDE_VOLUME',
      `path is not inside the shared volume: ${problem ?? 'it climbs out with ".."'}`,
      { subject: JSON.stringify(relativePath), details: { root: this.root } },
    );
  }
}

function pathProblem(relativePath: string): string | undefined {
  if (typeof relativePath !== 'string') return 'not a string';
  if (relativePath.includes('\0')) return 'it contains a NUL character';
  if (isAbsolute(relativePath) || relativePath.startsWith('\\')) return 'it is absolute';
  return undefined;
}

function climbsOut(inside: string): boolean {
  return inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
}

/** Factory used by instance processes (see runtime/protocol.ts ServiceFactory). */
export function createSharedVolume(options: { root: string }): SharedVolume {
  return new LocalSharedVolume(options.root);
}
