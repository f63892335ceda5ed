/**
 * @module Applies a {@link Stack} to the embedded platform: seeds the shared volume, then opens
 * a {@link Platform} on the state directory with the stack's functions and triggers. Seeding
 * comes first because provisioned instances run their init at deploy, and an init may load a
 * file (a model) from the volume.
 */

import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PlatformError } from './errors.js';
import { Platform, type PlatformOptions, statePaths } from './platform.js';
import { type Stack, type VolumeSeed, validateStack } from './stack.js';
import { LocalSharedVolume } from './storage/shared-volume.js';

/** Options of {@link deployStack}: the platform's, minus what the stack declares. */
export type StackDeployOptions = Omit<PlatformOptions, 'functions' | 'notifications'>;

/** A stack running on an embedded platform. */
export interface DeployedStack {
  stack: Stack;
  platform: Platform;
  /** Volume paths (relative) that were copied at this deploy; the others were present. */
  seeded: string[];
}

/**
 * Validates `stack`, seeds its volume and opens the platform with it. Resolves once
 * provisioned instances have finished init. Throws INVALID_CONFIGURATION for a stack that does
 * not hang together, does not fit the memory budget, or has a seed that cannot be copied.
 */
export async function deployStack(
  stack: Stack,
  options: StackDeployOptions = {},
): Promise<DeployedStack> {
  validateStack(stack);
  const stateDir = resolve(options.stateDir ?? '.lectern');
  const paths = statePaths(stateDir);
  const volume = new LocalSharedVolume(paths.volume);
  const seeded: string[] = [];
  for (const seed of stack.volume?.seeds ?? []) {
    if (await seedVolume(volume, seed, stack.name)) seeded.push(seed.path);
  }
  const platform = await Platform.open({
    ...options,
    stateDir,
    functions: stack.functions,
    notifications: stack.triggers,
  });
  return { stack, platform, seeded };
}

/**
 * Copies a seed onto the volume unless a file is already there; true when it copied. The copy
 * is made beside the target and renamed into place, so an instance never sees half a file.
 */
async function seedVolume(
  volume: LocalSharedVolume,
  seed: VolumeSeed,
  stackName: string,
): Promise<boolean> {
  const target = volume.path(seed.path);
  if (await exists(target)) return false;
  const partial = `${target}.${randomBytes(6).toString('hex')}.partial`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await copyFile(seed.source, partial, constants.COPYFILE_FICLONE);
    await rename(partial, target);
    return true;
  } catch (cause) {
    await rm(partial, { force: true });
    throw new PlatformError(
      'INVALID_CONFIGURATION',
      `stack "${stackName}": cannot seed the volume with ${seed.source} at ${seed.path}`,
      { cause, details: { seed } },
    );
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
