/**
 * @module `lectern serve`: runs the embedded platform with the Deep Reader stack until stopped
 * (Ctrl-C), with the HTTP API of docs/serve.md. Binds to 127.0.0.1 unless told otherwise.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { parsePositiveInteger } from '../read-options.js';

interface ServeOptions {
  port: number;
  host: string;
  state: string;
  maxUploadMb: number;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the platform with the Deep Reader stack and an HTTP API (docs/serve.md)')
    .option('--port <n>', 'port to listen on', parsePositiveInteger, 8080)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--state <dir>', 'platform state (buckets, records, index)', '.lectern')
    .option('--max-upload-mb <n>', 'largest upload accepted, in MB', parsePositiveInteger, 50)
    .action(async (options: ServeOptions) => {
      await serve(options);
    });
}

async function serve(options: ServeOptions): Promise<void> {
  const [{ deployStack }, { deepReaderStack }, { ResultsIndex }, { syncResultsIndex }, api] =
    await Promise.all([
      import('../../platform/stack-deployer.js'),
      import('../../workflows/deep-reader/stack.js'),
      import('../../workflows/deep-reader/results-index.js'),
      import('../../workflows/deep-reader/index-sync.js'),
      import('../../workflows/deep-reader/http-api.js'),
    ]);
  const stack = deepReaderStack();
  const [input, output] = stack.buckets.map((bucket) => bucket.name) as [string, string];
  const { platform } = await deployStack(stack, { stateDir: options.state });
  const index = ResultsIndex.open(join(platform.stateDir, 'results.db'));
  const sync = () => syncResultsIndex({ platform, index, outputBucket: output });
  const server = api.createApiServer({
    objects: platform.objects,
    index,
    inputBucket: input,
    outputBucket: output,
    uploadPrefix: 'uploads/',
    maxUploadBytes: options.maxUploadMb * 1024 * 1024,
    sync,
  });
  // Keeps the index current for clients that only list failures now and then.
  const timer = setInterval(() => void sync().catch(() => undefined), 1000);
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  console.error(
    `lectern: serving on http://${options.host}:${options.port} (state ${platform.stateDir})`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  index.close();
  await platform.close();
}
