/**
 * @module The results index (SQLite): one row per uploaded version with its status, timings,
 * invocations, cold starts and cost under both price tables. The paper names a key-value store
 * for this as future work; here it is a table beside the platform's state.
 *
 * It is maintained on the host side (index-sync.ts), from the uploads the host made, the
 * outputs in the output bucket and the platform's invocation records, never by a handler:
 * handlers reach nothing but their context's services (rule 2 of ARCHITECTURE.md).
 */
import Database from 'better-sqlite3';

/** Where a document stands. */
export type DocumentStatus = 'queued' | 'succeeded' | 'failed';

/** One uploaded version in the index. Times are epoch ms, durations ms, costs USD. */
export interface IndexedDocument {
  bucket: string;
  key: string;
  etag: string;
  status: DocumentStatus;
  uploadedAt: number;
  finishedAt?: number;
  /** From the upload to the outcome object. */
  latencyMs?: number;
  /** From the upload to the start of the OCR invocation that finished it. */
  queueWaitMs?: number;
  /** Init durations of the cold starts among the document's invocations, summed. */
  initMs?: number;
  /** Milliseconds per stage, from the result (summed over pages) and the OCR invocation. */
  stages: Record<string, number>;
  pages?: number;
  /**
   * Numbers of the pages only partly decoded (a truncated or damaged image): the result is
   * written, but part of the document may be missing from it. Absent when none.
   */
  partialPages?: number[];
  invocations?: number;
  throttles?: number;
  coldStarts?: number;
  billedGbSeconds?: number;
  /** Cost of the document's invocations under the paper's 2020 table. */
  cost2020Usd?: number;
  /** Cost under today's table (x86, 1 ms). */
  cost2026Usd?: number;
  errorCode?: string;
  errorMessage?: string;
  /** Key of the result or failure record in the output bucket. */
  outputKey?: string;
  /** The OCR invocation, root of the document's invocations. */
  requestId?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  etag TEXT NOT NULL,
  status TEXT NOT NULL,
  uploaded_at REAL NOT NULL,
  finished_at REAL,
  facts TEXT NOT NULL,
  PRIMARY KEY (bucket, key, etag)
);
CREATE INDEX IF NOT EXISTS documents_status ON documents (status, uploaded_at);
`;

type Row = {
  bucket: string;
  key: string;
  etag: string;
  status: string;
  uploaded_at: number;
  finished_at: number | null;
  facts: string;
};

/** The index in a SQLite file (or `:memory:`). */
export class ResultsIndex {
  readonly #db: Database.Database;

  static open(path: string): ResultsIndex {
    return new ResultsIndex(new Database(path));
  }

  constructor(db: Database.Database) {
    this.#db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
  }

  /** Notes an upload as queued (an existing row for the same version is kept as it is). */
  addUpload(version: { bucket: string; key: string; etag: string; uploadedAt: number }): void {
    this.#db
      .prepare(
        `INSERT OR IGNORE INTO documents (bucket, key, etag, status, uploaded_at, facts)
         VALUES (?, ?, ?, 'queued', ?, '{"stages":{}}')`,
      )
      .run(version.bucket, version.key, version.etag, version.uploadedAt);
  }

  /** Stores a version's full entry, replacing what was there. */
  put(entry: IndexedDocument): void {
    const { bucket, key, etag, status, uploadedAt, finishedAt, ...facts } = entry;
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO documents (bucket, key, etag, status, uploaded_at, finished_at, facts)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(bucket, key, etag, status, uploadedAt, finishedAt ?? null, JSON.stringify(facts));
  }

  /** One version, or the newest upload of a key when `etag` is omitted. */
  get(bucket: string, key: string, etag?: string): IndexedDocument | undefined {
    const row = (
      etag === undefined
        ? this.#db
            .prepare(
              'SELECT * FROM documents WHERE bucket = ? AND key = ? ORDER BY uploaded_at DESC LIMIT 1',
            )
            .get(bucket, key)
        : this.#db
            .prepare('SELECT * FROM documents WHERE bucket = ? AND key = ? AND etag = ?')
            .get(bucket, key, etag)
    ) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Versions, oldest upload first; with `status`, only those. */
  list(filter: { status?: DocumentStatus; limit?: number } = {}): IndexedDocument[] {
    const where = filter.status ? 'WHERE status = @status' : '';
    const rows = this.#db
      .prepare(`SELECT * FROM documents ${where} ORDER BY uploaded_at, key LIMIT @limit`)
      .all({
        ...(filter.status ? { status: filter.status } : {}),
        limit: filter.limit ?? -1,
      }) as Row[];
    return rows.map(fromRow);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

function fromRow(row: Row): IndexedDocument {
  const facts = JSON.parse(row.facts) as Omit<
    IndexedDocument,
    'bucket' | 'key' | 'etag' | 'status' | 'uploadedAt' | 'finishedAt'
  >;
  return {
    bucket: row.bucket,
    key: row.key,
    etag: row.etag,
    status: row.status as DocumentStatus,
    uploadedAt: row.uploaded_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    ...facts,
    stages: facts.stages ?? {},
  };
}
