import { describe, expect, it } from 'vitest';
import { type OutputFormat, renderFile, renderLine } from '../../src/cli/formats.js';
import { sampleResult } from '../document/result.fixture.js';

describe('renderLine', () => {
  it.each([
    ['json', 'pages'],
    ['text', 'text'],
    ['hocr', 'hocr'],
    ['textract', 'Blocks'],
  ] as Array<[OutputFormat, string]>)('writes %s as one JSON object on one line', (format, key) => {
    const line = renderLine(sampleResult(), format);
    const parsed = JSON.parse(line) as Record<string, unknown>;

    expect(line).not.toContain('\n');
    expect(parsed).toHaveProperty(key);
    expect(JSON.stringify(parsed)).toContain('receipts/000.pdf');
  });
});

describe('renderFile', () => {
  it.each([
    ['json', '"schemaVersion": "1.0.0"'],
    ['text', 'TOTAL 9.00\n'],
    ['hocr', '<div class="ocr_page"'],
    ['textract', '"BlockType": "PAGE"'],
  ] as Array<[OutputFormat, string]>)('writes %s in its own format', (format, fragment) => {
    expect(renderFile(sampleResult(), format)).toContain(fragment);
  });
});
