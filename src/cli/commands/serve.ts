/**
 * @module `lectern serve`: runs the embedded platform with the Deep Reader stack until stopped
 * (Ctrl-C), with the HTTP API of docs/serve.md. Binds to 127.0.0.1 unless told otherwise.
 */
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { LecternError } from '../../errors.js';
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
    .option('--port <n>', 'port to listen on', parsePort, 8080)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--state <dir>', 'platform state (buckets, records, index)', '.lectern')
    .option('--max-upload-mb <n>', 'largest upload accepted, in MB', parsePositiveInteger, 50)
    .action(async (options: ServeOptions) => {
      await serve(options);
    });
}

/** A TCP port, from 1 to 65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError('must be a whole number from 1 to 65535');
  }
  return port;
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
  await checkAddress(options.port, options.host);
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
  try {
    await listen(server, options.port, options.host);
  } catch (error) {
    index.close();
    await platform.close();
    throw error;
  }
  // Keeps the index current for clients that only list failures now and then.
  const timer = setInterval(() => void sync().catch(() => undefined), 1000);
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

/**
 * Binds the address once and lets it go: the stack takes seconds to deploy, and a port in use
 * is better told before than after. The real bind may still fail (the port taken meanwhile).
 */
async function checkAddress(port: number, host: string): Promise<void> {
  const probe = createServer();
  await listen(probe, port, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/**
 * Starts listening; a port in use or an address that cannot be bound rejects with one
 * LISTEN_FAILED error saying which, rather than Node's unhandled 'error' event.
 */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (cause: NodeJS.ErrnoException) => {
      reject(new LecternError('LISTEN_FAILED', listenProblem(cause, port, host), { cause }));
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
}

function listenProblem(cause: NodeJS.ErrnoException, port: number, host: string): string {
  const address = `${host}:${port}`;
  switch (cause.code) {
    case 'EADDRINUSE':
      return `${address} is already in use (choose another --port)`;
    case 'EACCES':
      return `no permission to listen on ${address} (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `${host} is not an address of this machine (--host)`;
    default:
      return `cannot listen on ${address}: ${cause.message}`;
  }
}
