import { describe, expect, it } from 'vitest';
import {
  readWorkflowConfig,
  uploadKeyProblem,
  WORKFLOW_DEFAULTS,
  type WorkflowConfig,
  workflowEnvironment,
} from '../../src/workflows/deep-reader/config.js';

const defaults: WorkflowConfig = {
  ...WORKFLOW_DEFAULTS,
  languages: ['eng'],
  grid: { rows: 3, cols: 3 },
};

describe('the workflow settings as environment variables', () => {
  it('carry every setting to the handlers and back', () => {
    const config: WorkflowConfig = {
      ...defaults,
      languages: ['deu', 'eng'],
      grid: { rows: 2, cols: 4 },
      overlap: 48,
      detectConcurrency: 3,
    };
    expect(readWorkflowConfig(workflowEnvironment(config))).toEqual(config);
  });

  it('leave the detection fan-out unbounded unless a positive whole number is given', () => {
    expect(readWorkflowConfig(workflowEnvironment(defaults)).detectConcurrency).toBeUndefined();
    const env = { ...workflowEnvironment(defaults), LECTERN_DETECT_CONCURRENCY: '0' };
    expect(readWorkflowConfig(env).detectConcurrency).toBeUndefined();
  });
});

describe('the key check of an upload', () => {
  it('takes keys up to 1,024 bytes, whose outputs are then named by hash', () => {
    expect(uploadKeyProblem('uploads/a/receipt.png')).toBeUndefined();
    expect(uploadKeyProblem(`uploads/${'é'.repeat(508)}`)).toBeUndefined();
  });

  it('tells why a key is refused, by the platform’s rules', () => {
    expect(uploadKeyProblem('uploads/new\nline.png')).toBe('a NUL or other control character');
    expect(uploadKeyProblem('uploads/back\\slash.png')).toBe(
      'a backslash, a path separator on Windows',
    );
    expect(uploadKeyProblem(`uploads/${'é'.repeat(509)}`)).toBe('longer than 1024 bytes');
  });
});
