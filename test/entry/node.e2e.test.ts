/**
 * The newcomer's path: `npm start` with no environment serves /healthz and /readyz on an SQLite file, and stops
 * cleanly on SIGTERM. A bad environment stops the start with one readable line per problem.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TSX = 'node_modules/.bin/tsx';

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, [TSX, 'src/entry/node.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line:\n${out}`)), 20_000);
    child.stdout.on('data', () => {
      const m = /"msg":"listening","url":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('0.0.0.0', '127.0.0.1'));
      }
    });
    void exited.then(() => reject(new Error(`exited early:\n${out}`)));
  });
  listening.catch(() => {}); // Only awaited by the tests that expect the server to come up.
  return { child, listening, exited, output: () => out };
}

describe('npm start', () => {
  it('runs on an SQLite file with no Lark credentials, is ready, and drains on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saidao-start-'));
    const server = start({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}` });
    const url = await server.listening;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'sqlite' });
    expect(server.output()).toContain('outgoing messages are disabled');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
  });

  it('refuses a malformed environment with one line per problem', async () => {
    const server = start({ PORT: 'http', LOG_LEVEL: 'chatty' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/invalid configuration:\n {2}PORT: .+\n {2}LOG_LEVEL: .+/);
  });
});
