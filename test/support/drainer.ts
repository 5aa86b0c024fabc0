/**
 * A drainer in a process of its own (test/support/drain-process.ts), for the tests and benches that SIGKILL it midway.
 * Started as one process (`node --import tsx`): through tsx's CLI a SIGKILL would reach only the wrapper and leave
 * the real drainer sending.
 */
import { spawn } from 'node:child_process';

export function startDrainer(options: {
  databaseUrl: string;
  domain: string;
  appId: string;
  owner: string;
  /** More of drain-process.ts's settings (POLL_MS, LOG_SENDS, APP…). */
  env?: Record<string, string>;
}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/drain-process.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      LARK_DOMAIN: options.domain,
      LARK_APP_ID: options.appId,
      LARK_APP_SECRET: 'secret',
      OWNER: options.owner,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return { child, output: () => out, exited };
}
