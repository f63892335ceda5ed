import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/document/errors.js';
import {
  type DocumentResult,
  RESULT_SCHEMA_VERSION,
  resultProblems,
  validateResult,
} from '../../src/document/result.js';
import { blockAt, pageAt, sampleResult, wordAt } from './result.fixture.js';

type Breakage = [description: string, change: (result: DocumentResult) => void, problem: RegExp];

const breakages: Breakage[] = [
  [
    'a confidence above 1',
    (r) => {
      wordAt(r, 0, 0, 0, 0).confidence = 97;
    },
    /confidence: must be <= 1/,
  ],
  [
    'an unknown rotation',
    (r) => {
      (r.pages[0] as { rotation: number }).rotation = 45;
    },
    /rotation: must be equal to one of the allowed values \(0, 90, 180, 270\)/,
  ],
  [
    'an unknown rotation source',
    (r) => {
      (r.pages[0] as { rotationSource: string }).rotationSource = 'guess';
    },
    /rotationSource/,
  ],
  [
    'a 0-based page number',
    (r) => {
      pageAt(r, 0).number = 0;
    },
    /\/pages\/0\/number: must be >= 1/,
  ],
  [
    'a missing word box',
    (r) => {
      delete (wordAt(r, 0, 0, 0, 0) as { box?: unknown }).box;
    },
    /must have required property 'box'/,
  ],
  [
    'an empty word',
    (r) => {
      wordAt(r, 0, 0, 0, 0).text = '';
    },
    /text: must NOT have fewer than 1 characters/,
  ],
  [
    'a negative box width',
    (r) => {
      blockAt(r, 0, 0).box.width = -1;
    },
    /width: must be >= 0/,
  ],
  [
    'a format that is not sniffed',
    (r) => {
      (r.document as { format: string }).format = 'docx';
    },
    /format/,
  ],
  [
    'a bad checksum',
    (r) => {
      r.document.sha256 = 'xyz';
    },
    /sha256: must match pattern/,
  ],
  [
    'an unknown field',
    (r) => {
      (r as unknown as Record<string, unknown>).extra = 1;
    },
    /must NOT have additional properties \(extra\)/,
  ],
  [
    'another major version',
    (r) => {
      r.schemaVersion = '2.0.0';
    },
    /schemaVersion: must match pattern/,
  ],
  [
    'a negative timing',
    (r) => {
      r.timings.detection = -3;
    },
    /timings\/detection: must be >= 0/,
  ],
];

describe('validateResult', () => {
  it('accepts a realistic two-page result and returns it unchanged', () => {
    const result = sampleResult();

    expect(validateResult(result)).toBe(result);
    expect(resultProblems(result)).toEqual([]);
  });

  it.each(breakages)('rejects %s, saying where', (_description, change, problem) => {
    const result = sampleResult();
    change(result);

    expect(resultProblems(result).join('\n')).toMatch(problem);
    expect(() => validateResult(result)).toThrow(problem);
  });

  it('throws an INVALID_RESULT error naming the document', () => {
    const result = sampleResult();
    pageAt(result, 1).width = 0;

    const error = catchError(() => validateResult(result));

    expect(error).toBeInstanceOf(DocumentError);
    expect(error).toMatchObject({ code: 'INVALID_RESULT', subject: 'receipts/000.pdf' });
    expect((error as DocumentError).details.problems).toEqual(['/pages/1/width: must be >= 1']);
  });

  it('rejects values that are not results at all', () => {
    expect(resultProblems(null)).toEqual(['(root): must be object']);
    expect(resultProblems({})).toContain("(root): must have required property 'pages'");
  });

  it('uses the schema file documented in docs/, whose version it states', () => {
    const url = new URL('../../docs/result.schema.json', import.meta.url);
    const schema = JSON.parse(readFileSync(url, 'utf8')) as { $id: string };

    expect(schema.$id.endsWith(`/${RESULT_SCHEMA_VERSION}`)).toBe(true);
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
