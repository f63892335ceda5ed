/**
 * @module The HTTP API of `lectern serve` (documented in docs/serve.md), on node:http:
 *
 * ```
 * PUT  /documents/{name}          upload (raw body); 202 with the version's status
 * GET  /documents/{name}          status of the newest upload of that name
 * GET  /documents/{name}/result   the result JSON (409 while queued, 422 when it failed)
 * GET  /failures                  failed uploads with their error codes
 * GET  /health                    200 when the server runs
 * ```
 * Uploads over the size limit get 413 before their body is read past the limit.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ObjectStore } from '../../platform/storage/object-store.js';
import { uploadKeyProblem } from './config.js';
import type { IndexedDocument, ResultsIndex } from './results-index.js';

/** What the API serves from. */
export interface ApiTarget {
  objects: ObjectStore;
  index: ResultsIndex;
  inputBucket: string;
  outputBucket: string;
  /** Uploads go under this prefix (the trigger's). */
  uploadPrefix: string;
  /** Largest upload in bytes. */
  maxUploadBytes: number;
  /** Brings the index up to date before a read. */
  sync: () => Promise<unknown>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How long a refused upload's connection stays open after the answer, its body read and
 * dropped, for the client to read the answer and stop sending (see {@link answerUnread}).
 */
const LINGER_MS = 10_000;

/** An HTTP server answering the API (not yet listening). */
export function createApiServer(target: ApiTarget): Server {
  const server = createServer((request, response) => {
    route(target, request, response).catch((error: unknown) => {
      answer(request, response, problemOf(error));
    });
  });
  // Node answers `Expect: 100-continue` itself unless told otherwise; an upload declared too
  // large is refused here instead, so that its body is never sent.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (declaredBytes(request) > target.maxUploadBytes) {
      answer(request, response, tooLarge(target));
      return;
    }
    response.writeContinue();
    server.emit('request', request, response);
  });
  return server;
}

function problemOf(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  return new HttpProblem(500, 'INTERNAL', error instanceof Error ? error.message : String(error));
}

async function route(target: ApiTarget, request: IncomingMessage, response: ServerResponse) {
  const path = requestPath(request.url ?? '/');
  if (path === '/health' && request.method === 'GET') return send(response, 200, { ok: true });
  if (path === '/failures' && request.method === 'GET') {
    await target.sync();
    return send(response, 200, { failures: target.index.list({ status: 'failed' }).map(view) });
  }
  const match = /^\/documents\/(.+?)(\/result)?$/.exec(path);
  if (!match) throw new HttpProblem(404, 'NOT_FOUND', `no route for ${request.method} ${path}`);
  const name = decodeName(match[1] as string);
  const key = uploadKey(target, name);
  if (request.method === 'PUT' && !match[2]) return upload(target, key, request, response);
  if (request.method !== 'GET') throw new HttpProblem(405, 'METHOD_NOT_ALLOWED', 'use GET or PUT');
  await target.sync();
  const entry = target.index.get(target.inputBucket, key);
  if (!entry) throw new HttpProblem(404, 'NOT_FOUND', `no upload named ${name}`);
  if (!match[2]) return send(response, 200, view(entry));
  return sendResult(target, entry, response);
}

/**
 * The request target's path as the client sent it, without the query. Not parsed with
 * `new URL`, which resolves `.` and `..` segments (percent-encoded ones too): `a/../b.png`
 * would then replace `b.png` instead of being refused by {@link decodeName}.
 */
function requestPath(target: string): string {
  const path = target.split(/[?#]/u, 1)[0] ?? '';
  // The absolute form (`http://host/path`, as sent to a proxy) keeps only its path.
  return path.replace(/^[a-z][a-z\d+.-]*:\/\/[^/]*/iu, '') || '/';
}

async function upload(
  target: ApiTarget,
  key: string,
  request: IncomingMessage,
  response: ServerResponse,
) {
  if (declaredBytes(request) > target.maxUploadBytes) throw tooLarge(target);
  const body = await readBody(request, target);
  if (body.length === 0) throw new HttpProblem(400, 'EMPTY_UPLOAD', 'the upload has no bytes');
  const meta = await target.objects.put(target.inputBucket, key, body, {
    ...(request.headers['content-type'] ? { contentType: request.headers['content-type'] } : {}),
  });
  const uploadedAt = Date.parse(meta.lastModified);
  target.index.addUpload({ bucket: target.inputBucket, key, etag: meta.etag, uploadedAt });
  const entry = target.index.get(target.inputBucket, key, meta.etag) as IndexedDocument;
  send(response, 202, view(entry));
}

async function sendResult(target: ApiTarget, entry: IndexedDocument, response: ServerResponse) {
  if (entry.status === 'queued') {
    throw new HttpProblem(409, 'NOT_READY', `${entry.key} is still being read`);
  }
  if (entry.status === 'failed') {
    throw new HttpProblem(422, entry.errorCode ?? 'FAILED', entry.errorMessage ?? 'failed');
  }
  const { body } = await target.objects.get(target.outputBucket, entry.outputKey as string);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(body);
}

/**
 * The body, up to the limit. Past it, buffering stops (the rest is left to
 * {@link answerUnread}) and the promise rejects with UPLOAD_TOO_LARGE.
 */
function readBody(request: IncomingMessage, target: ApiTarget): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > target.maxUploadBytes) {
        request.off('data', onData);
        reject(tooLarge(target));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function declaredBytes(request: IncomingMessage): number {
  return Number(request.headers['content-length'] ?? Number.NaN);
}

function tooLarge(target: ApiTarget): HttpProblem {
  return new HttpProblem(
    413,
    'UPLOAD_TOO_LARGE',
    `uploads are limited to ${target.maxUploadBytes} bytes`,
  );
}

function decodeName(encoded: string): string {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    throw new HttpProblem(400, 'INVALID_NAME', 'the document name has a malformed %-escape');
  }
  if (name.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new HttpProblem(
      400,
      'INVALID_NAME',
      'document names are paths without empty, . or .. parts',
    );
  }
  return name;
}

/** The key of an upload named `name`, refused (400) when the platform could not store it. */
function uploadKey(target: ApiTarget, name: string): string {
  const key = `${target.uploadPrefix}${name}`;
  const problem = uploadKeyProblem(key);
  if (problem === undefined) return key;
  throw new HttpProblem(
    400,
    'INVALID_NAME',
    `the document name cannot be an object key: ${problem}`,
  );
}

/** The public view of an index entry. */
function view(entry: IndexedDocument): Record<string, unknown> {
  const { bucket: _bucket, ...rest } = entry;
  return rest;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  response.end(`${JSON.stringify(body)}\n`);
}

/** Answers an error, whether or not the request's body has all arrived. */
function answer(request: IncomingMessage, response: ServerResponse, problem: HttpProblem): void {
  const body = { error: { code: problem.code, message: problem.message } };
  if (request.complete) send(response, problem.status, body);
  else answerUnread(request, response, problem.status, body);
}

/**
 * Answers a request whose body is still arriving, then closes the connection. Closing at once
 * would reset the connection while the client still sends, and a client that meets the reset
 * before it reads the answer (curl does) reports a broken pipe instead of the answer. So the
 * answer goes out first, with `Connection: close`; the rest of the body is read and dropped;
 * and the response ends, closing the connection, once the client has stopped sending (it has
 * sent all, or has closed after reading the answer), or after {@link LINGER_MS} at most.
 */
function answerUnread(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: unknown,
): void {
  if (response.headersSent) {
    request.socket.destroy();
    return;
  }
  const payload = `${JSON.stringify(body)}\n`;
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    connection: 'close',
  });
  response.write(payload);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    response.end();
  };
  const timer = setTimeout(end, LINGER_MS);
  request.once('end', end);
  request.once('close', end);
  request.resume();
}
