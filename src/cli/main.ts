/**
 * @module The `lectern` command. Each sub-command lives in its own file under `commands/` and
 * registers itself on the program; this file only assembles them.
 */
import { Command, CommanderError } from 'commander';
import { LecternError } from '../errors.js';

type Register = (program: Command) => void;

// Sub-commands are loaded lazily so that `lectern --help` does not pay for ONNX Runtime,
// sharp and SQLite start-up.
const commandModules: Array<() => Promise<{ register: Register }>> = [
  () => import('./commands/read.js'),
  () => import('./commands/eval.js'),
  () => import('./commands/lab.js'),
  () => import('./commands/platform.js'),
  () => import('./commands/run.js'),
  () => import('./commands/serve.js'),
];

export async function main(argv: string[]): Promise<void> {
  const program = new Command('lectern')
    .description('Deep-learning OCR for business documents, run as serverless functions')
    .version('0.1.0')
    .exitOverride();

  for (const load of commandModules) {
    (await load()).register(program);
  }

  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Exit at once: a failure half-way through start-up can leave model worker threads or
    // instance processes behind that would otherwise keep the command alive.
    process.exit(reportFatal(error));
  }
}

function reportFatal(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof LecternError) {
    console.error(`lectern: ${error.code}: ${error.message}`);
    return 1;
  }
  console.error(
    `lectern: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return 1;
}
