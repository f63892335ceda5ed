import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll } from 'vitest';

/**
 * Fails the enclosing suite, with the command that fixes it, when a compiled file it runs is
 * missing. Instances and fixture processes run dist/ (never TypeScript), and `npm test` builds
 * before testing, so a missing build is a failure, not a reason to skip.
 */
export function requireBuild(...files: string[]): void {
  beforeAll(() => {
    const missing = files
      .map((file) => fileURLToPath(new URL(`../../${file}`, import.meta.url)))
      .filter((path) => !existsSync(path));
    if (missing.length === 0) return;
    throw new Error(`${missing.join(', ')} missing: run \`npm run build\` before these tests`);
  });
}
