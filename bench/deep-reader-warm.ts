/**
 * One warm instance per function given a long list of documents, one after another (case c39:
 * ../shared/cases/batches/c39-warm-200.txt). Prints, as one JSON object: how many instances
 * and inits each function had, the peak memory of the page and detection instances after
 * document 20 and after the last, whether identical inputs gave identical results, the median
 * latency (upload to result object) and the median platform overhead (that latency minus the
 * time some function of the document ran its own code, as `lectern run` reports it:
 * src/platform/overhead.ts; first document left out).
 *
 *   npm run build && npx tsx bench/deep-reader-warm.ts [list] [--limit N]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { platformOverheadMs } from '../src/platform/overhead.js';
import { deployStack } from '../src/platform/stack-deployer.js';
import { OUTPUT_METADATA } from '../src/workflows/deep-reader/config.js';
import { deepReaderStack } from '../src/workflows/deep-reader/stack.js';

const args = process.argv.slice(2);
const limitAt = args.indexOf('--limit');
const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : Number.POSITIVE_INFINITY;
const listPath =
  args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--limit') ??
  '../shared/cases/batches/c39-warm-200.txt';
const files = readFileSync(listPath, 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, limit)
  .map((line) => resolve(line));

const stateDir = mkdtempSync(join(tmpdir(), 'lectern-warm-'));
const one = (memoryMb: number) => ({ memoryMb, reservedConcurrency: 1, provisionedConcurrency: 1 });
const { platform } = await deployStack(
  deepReaderStack({ ocr: one(1536), page: one(2048), detect: one(1769) }),
  { stateDir, dispatcher: { pollIntervalMs: 50 } },
);
const signatures = new Map<string, Set<string>>();
const memory: Record<string, { after20?: number; afterLast?: number }> = {};
const latencies: number[] = [];
const overheads: number[] = [];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
try {
  for (const [i, file] of files.entries()) {
    const key = `uploads/warm/${String(i).padStart(3, '0')}-${basename(file)}`;
    const bytes = readFileSync(file);
    const uploaded = Date.parse(
      (await platform.objects.put('lectern-input', key, bytes)).lastModified,
    );
    await platform.waitForIdle();
    const { body, metadata } = await platform.objects.get('lectern-output', `results/${key}.json`);
    const finished = Date.parse(metadata.lastModified);
    const rootRequestId = metadata.userMetadata[OUTPUT_METADATA.requestId] ?? '';
    latencies.push(finished - uploaded);
    overheads.push(
      platformOverheadMs(platform.records.query({ rootRequestId }), {
        start: uploaded,
        end: finished,
      }),
    );
    const result = JSON.parse(body.toString());
    const pages = JSON.stringify(result.pages);
    signatures.set(file, (signatures.get(file) ?? new Set()).add(pages));
    for (const name of ['lectern-page', 'lectern-detect']) {
      const peak = Math.max(
        ...platform.records.query({ functionName: name }).map((r) => r.maxMemoryUsedMb ?? 0),
      );
      memory[name] ??= {};
      if (i === 19) (memory[name] as { after20?: number }).after20 = peak;
      (memory[name] as { afterLast?: number }).afterLast = peak;
    }
    process.stderr.write(`\r${i + 1}/${files.length}`);
  }
  process.stderr.write('\n');
  const records = platform.records
    .query({ runId: platform.runtime.runId })
    .filter((r) => r.outcome !== 'throttled');
  const functions: Record<string, { instances: number; coldStarts: number; invocations: number }> =
    {};
  for (const record of records) {
    functions[record.functionName] ??= { instances: 0, coldStarts: 0, invocations: 0 };
    const entry = functions[record.functionName] as { coldStarts: number; invocations: number };
    entry.invocations += 1;
    if (record.startType === 'cold') entry.coldStarts += 1;
  }
  for (const [name, entry] of Object.entries(functions)) {
    entry.instances = new Set(
      records.filter((r) => r.functionName === name).map((r) => r.instanceId),
    ).size;
  }
  const differing = [...signatures].filter(([, set]) => set.size > 1).map(([file]) => file);
  console.log(
    JSON.stringify({
      documents: files.length,
      functions,
      memoryMb: memory,
      latencyMedianMs: median(latencies),
      overheadMedianMs: median(overheads.slice(1)),
      identicalResults: differing.length === 0,
      differing,
    }),
  );
} finally {
  await platform.close();
  rmSync(stateDir, { recursive: true, force: true });
}
