/**
 * The newcomer's path: `npm start` with no environment serves the playground (the page at /, the bot, the emulator)
 * on 127.0.0.1 with /healthz and /readyz on an SQLite file, and stops cleanly on SIGTERM. With Lark credentials it is
 * the production server: no page, bound to 0.0.0.0 by default. A bad environment stops the start with one readable
 * line per problem.
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
      const m = /"msg":"(?:listening|playground)","url":"([^"]+?)\/?"/.exec(out);
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
  it('with no Lark credentials serves the playground on 127.0.0.1, is ready, and drains on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saidao-start-'));
    const server = start({ PORT: '0', LARK_APP_ID: '', DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}` });
    const url = await server.listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'sqlite' });
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('身份');
    expect(server.output()).toContain(`赛道演练场 Saidao playground: ${url.replace('127.0.0.1', 'localhost')}/`);
    expect(server.output()).not.toContain('outgoing messages are disabled');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
  });

  it('with Lark credentials is the production server: no page, bound to every interface by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saidao-start-'));
    const server = start({
      PORT: '0',
      LARK_APP_ID: 'cli_x',
      LARK_APP_SECRET: 'secret',
      LARK_DOMAIN: 'http://127.0.0.1:9',
      DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`,
    });
    const url = await server.listening;
    expect(server.output()).toMatch(/"msg":"listening","url":"http:\/\/0\.0\.0\.0:/);
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/playground/app.js`)).status).toBe(404);
    expect((await fetch(`${url}/emulator/open-apis/bot/v3/info`)).status).toBe(404);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('refuses a malformed environment with one line per problem', async () => {
    const server = start({ PORT: 'http', LOG_LEVEL: 'chatty' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/invalid configuration:\n {2}PORT: .+\n {2}LOG_LEVEL: .+/);
  });
});
