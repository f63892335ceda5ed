/**
 * @module Validation of bucket names and object keys. Whatever layout a store uses on disk, a
 * key is also used later as a file name (results named after their key, tiles named after
 * their document), so keys that could climb out of a directory are refused at the door.
 */
import { StorageError } from './storage-error.js';

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Throws INVALID_BUCKET_NAME unless `bucket` follows S3's naming rules: 3 to 63 characters,
 * lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit,
 * no `..`.
 */
export function assertBucketName(bucket: string): void {
  if (typeof bucket === 'string' && BUCKET_PATTERN.test(bucket) && !bucket.includes('..')) return;
  throw new StorageError(
    'INVALID_BUCKET_NAME',
    'bucket names take 3 to 63 characters: a-z, 0-9, "." and "-", starting and ending with a letter or digit',
    { subject: String(bucket) },
  );
}

/**
 * Throws INVALID_OBJECT_KEY for a key that is empty, longer than 1,024 UTF-8 bytes, not valid
 * Unicode, or that could be read as a path leaving its bucket: a leading `/`, a `.` or `..`
 * segment, a backslash (a separator on Windows), a NUL or other control character.
 */
export function assertObjectKey(bucket: string, key: string): void {
  const reason = objectKeyProblem(key);
  if (reason === undefined) return;
  throw new StorageError('INVALID_OBJECT_KEY', `invalid object key: ${reason}`, {
    subject: `${bucket}/${JSON.stringify(key)}`,
  });
}

/** Why `key` cannot be an object key (the rules of {@link assertObjectKey}), or undefined. */
export function objectKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'the key is empty';
  if (LONE_SURROGATE.test(key)) return 'the key is not valid Unicode (lone surrogate)';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'an absolute path (leading "/")';
  if (key.includes('\\')) return 'a backslash, a path separator on Windows';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'a NUL or other control character';
  const dots = key.split('/').find((segment) => segment === '.' || segment === '..');
  return dots === undefined ? undefined : `a "${dots}" segment`;
}
