/**
 * The one base error of Lectern. Every failure a user can see carries a stable `code` to match
 * on (messages may change, codes do not), the subject it concerns (a document key, a function
 * name) and the underlying `cause`.
 *
 * `document/` and `platform/` each subclass it with their own codes; this file is the only
 * thing they share, which keeps rule 1 of ARCHITECTURE.md (neither imports the other).
 */
export class LecternError extends Error {
  /** Stable, upper-snake-case identifier of the kind of failure. */
  readonly code: string;
  /** What the failure concerns: a document name or key, a function name. */
  readonly subject: string | undefined;
  /** Extra facts for the failure record (tile index, page number, limits). */
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options: { subject?: string; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(options.subject ? `${options.subject}: ${message}` : message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.subject = options.subject;
    this.details = options.details ?? {};
  }

  /** A plain object for failure records and JSON output. */
  toJSON(): { name: string; code: string; message: string; subject?: string; details?: object } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.subject === undefined ? {} : { subject: this.subject }),
      ...(Object.keys(this.details).length === 0 ? {} : { details: this.details }),
    };
  }
}

/** The code of any thrown value: a LecternError's own, otherwise INTERNAL. */
export function errorCode(error: unknown): string {
  return error instanceof LecternError ? error.code : 'INTERNAL';
}

/**
 * The code and message a user sees for any thrown value, told about `subject` (the document
 * the line already names). A Node system error (EACCES, ELOOP, EISDIR...) keeps its errno
 * code, and its message loses the `EACCES: ` prefix and the `, open '<path>'` tail: `permission
 * denied`, not `EACCES: EACCES: permission denied, open '<path>'`. The path stays when it is
 * another file's (`permission denied: out/a.json`). Anything else is INTERNAL.
 */
export function failureOf(error: unknown, subject?: string): { code: string; message: string } {
  if (error instanceof LecternError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  const { code, syscall, path } = (error ?? {}) as SystemErrorFields;
  if (typeof code !== 'string') return { code: 'INTERNAL', message };
  const reason = systemReason(message, code, syscall);
  const named = typeof path === 'string' && path !== subject;
  return { code, message: named ? `${reason}: ${path}` : reason };
}

/**
 * `message` without a leading `<subject>: `: a line that already starts with the subject (the
 * document, the code) need not say it twice.
 */
export function withoutSubject(message: string, subject: string): string {
  return message.startsWith(`${subject}: `) ? message.slice(subject.length + 2) : message;
}

interface SystemErrorFields {
  code?: unknown;
  syscall?: unknown;
  path?: unknown;
}

function systemReason(message: string, code: string, syscall: unknown): string {
  const bare = withoutSubject(message, code);
  if (typeof syscall !== 'string') return bare;
  const tail = bare.lastIndexOf(`, ${syscall}`);
  return tail > 0 ? bare.slice(0, tail) : bare;
}
