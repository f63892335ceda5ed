import { describe, expect, it } from 'vitest';
import {
  readWorkflowConfig,
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
