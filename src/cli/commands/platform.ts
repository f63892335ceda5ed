/**
 * @module `lectern platform <operation>`: operations on a platform's state directory, whether
 * or not a platform is running on it: list failed invocations and dead letters, re-drive them,
 * show what is known of a request id (attempts, REPORT records, log lines).
 *
 * A re-driven invocation runs when a platform next runs on the state directory (a running one
 * notices within its polling interval).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { LecternError } from '../../errors.js';
import type { InvocationQueue } from '../../platform/invocations.js';
import type { InvocationRecords } from '../../platform/records.js';
import { type BillRequest, billScope, formatBills } from '../platform-bill.js';
import { formatDeadLetters, formatFailed, formatRequest } from '../platform-report.js';

interface StateOptions {
  state: string;
  json?: boolean;
}

interface StateHandles {
  queue: InvocationQueue;
  records: InvocationRecords;
}

export function register(program: Command): void {
  const platform = program
    .command('platform')
    .description('operate the embedded platform: failures, dead letters, re-drive, logs, bills');

  withState(platform.command('failed'))
    .description('list asynchronous invocations with a failed attempt (waiting to retry, or dead)')
    .action((options: StateOptions) =>
      withHandles(options, ({ queue }) => {
        const failed = queue.inspect.failed();
        print(options, failed, () => formatFailed(failed));
      }),
    );

  withState(platform.command('dead-letters'))
    .description('list invocations that used up their attempts, with their last error')
    .option('--all', 'include dead letters that were already re-driven')
    .action((options: StateOptions & { all?: boolean }) =>
      withHandles(options, ({ queue }) => {
        const letters = queue.inspect.deadLetters({ includeRedriven: options.all ?? false });
        print(options, letters, () => formatDeadLetters(letters));
      }),
    );

  withState(platform.command('redrive'))
    .description('run failed invocations again (dead ones with fresh attempts)')
    .argument('[request-ids...]', 'the invocations to re-drive')
    .option('--all-dead', 'every dead letter not yet re-driven')
    .action((ids: string[], options: StateOptions & { allDead?: boolean }) =>
      withHandles(options, ({ queue }) => {
        const targets = options.allDead
          ? queue.inspect.deadLetters().map((letter) => letter.requestId)
          : ids;
        if (targets.length === 0) throw usage('name request ids, or pass --all-dead');
        const redriven = [...new Set(targets)].map((id) => queue.redrive(id));
        print(options, redriven, () =>
          redriven.map((i) => `re-driven ${i.requestId} (${i.functionName})`).join('\n'),
        );
      }),
    );

  withState(platform.command('bill'))
    .description(
      'bill the recorded invocations per function: of a run, or of one request and what it caused',
    )
    .option('--run <id>', 'only the invocations of this run (default every record)')
    .option('--request <id>', "one request and every invocation it caused (a document's cost)")
    .option('--table <id>', 'price table: aws-2020, aws-2026 or both', 'both')
    .option('--arch <arch>', 'x86_64 or arm64', 'x86_64')
    .action((options: StateOptions & BillRequest) =>
      withHandles(options, ({ records }) => {
        const scope = billScope(records, options);
        const json = {
          title: scope.title,
          bills: scope.bills.map(({ table, bill }) => ({ ...bill, source: table.source })),
        };
        print(options, json, () => formatBills(scope));
      }),
    );

  withState(platform.command('logs'))
    .description('show the attempts, REPORT records and log lines of a request id')
    .argument('<request-id>', 'the request id (asynchronous retries share it)')
    .action((requestId: string, options: StateOptions) =>
      withHandles(options, ({ queue, records }) => {
        const facts = {
          invocation: queue.inspect.get(requestId),
          attempts: queue.inspect.attempts(requestId),
          records: records.query({ requestId }),
          logs: records.logs(requestId),
        };
        const known = facts.invocation || facts.records.length > 0 || facts.logs.length > 0;
        if (!known) {
          throw new LecternError('REQUEST_NOT_FOUND', 'no invocation has this request id', {
            subject: requestId,
          });
        }
        print(options, facts, () =>
          formatRequest(requestId, facts.invocation, facts.attempts, facts.records, facts.logs),
        );
      }),
    );
}

function withState(command: Command): Command {
  return command
    .option('--state <dir>', 'the platform state directory', '.lectern')
    .option('--json', 'print JSON instead of text');
}

async function withHandles(
  options: StateOptions,
  act: (handles: StateHandles) => void,
): Promise<void> {
  const stateDir = resolve(options.state);
  const queuePath = join(stateDir, 'queue.db');
  if (!existsSync(queuePath)) {
    throw new LecternError('STATE_NOT_FOUND', `no platform state here (${queuePath} is missing)`, {
      subject: stateDir,
    });
  }
  const [{ InvocationQueue }, { InvocationRecords }] = await Promise.all([
    import('../../platform/invocations.js'),
    import('../../platform/records.js'),
  ]);
  const queue = InvocationQueue.open(queuePath);
  const records = InvocationRecords.open(join(stateDir, 'records.db'));
  try {
    act({ queue, records });
  } finally {
    queue.close();
    records.close();
  }
}

function print(options: StateOptions, value: unknown, text: () => string): void {
  console.log(options.json ? JSON.stringify(value, null, 2) : text());
}

function usage(message: string): LecternError {
  return new LecternError('USAGE', message);
}
