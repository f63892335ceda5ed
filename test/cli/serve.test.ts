import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePort, register } from '../../src/cli/commands/serve.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** The `lectern` program with only `serve`, throwing instead of exiting, its output kept. */
function program(): { command: Command; errors: string[] } {
  const errors: string[] = [];
  const command = new Command('lectern')
    .exitOverride()
    .configureOutput({ writeErr: (text) => errors.push(text), writeOut: () => undefined });
  register(command);
  return { command, errors };
}

async function busyPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('lectern serve', () => {
  it('parsePort takes 1 to 65535 and names the range otherwise', () => {
    expect(parsePort('8080')).toBe(8080);
    expect(parsePort('65535')).toBe(65535);
    for (const value of ['0', '65536', '99999', '80.5', 'http', '']) {
      expect(() => parsePort(value)).toThrow('must be a whole number from 1 to 65535');
    }
  });

  it('refuses a port out of range while parsing, with commander error and no stack trace', async () => {
    const { command, errors } = program();

    await expect(
      command.parseAsync(['node', 'lectern', 'serve', '--port', '99999']),
    ).rejects.toMatchObject({ code: 'commander.invalidArgument', exitCode: 1 });
    expect(errors.join('')).toContain("option '--port <n>' argument '99999' is invalid");
  });

  it('fails with LISTEN_FAILED naming the address when the port is in use, before deploying', async () => {
    const port = await busyPort();
    const { command } = program();
    const state = join(tmpdir(), `lectern-serve-${process.pid}-${port}`);

    await expect(
      command.parseAsync(['node', 'lectern', 'serve', '--port', String(port), '--state', state]),
    ).rejects.toMatchObject({
      code: 'LISTEN_FAILED',
      message: `127.0.0.1:${port} is already in use (choose another --port)`,
    });
    // Nothing deployed: the state folder was never made.
    expect(existsSync(state)).toBe(false);
    rmSync(state, { recursive: true, force: true });
  });
});
