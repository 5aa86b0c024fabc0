/**
 * The emulator on a real loopback port, for e2e tests, benchmarks and the standalone command.
 * Point the node-sdk at `url`: `new lark.Client({ appId, appSecret, domain: url })`.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEmulator } from './emulator';
import type { Emulator, EmulatorOptions } from './emulator';

export interface EmulatorServer {
  emulator: Emulator;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Port 0 (the default) picks a free port. */
export async function startEmulatorServer(
  options: EmulatorOptions & { port?: number; hostname?: string } = {},
): Promise<EmulatorServer> {
  const { port = 0, hostname = '127.0.0.1', ...emulatorOptions } = options;
  const emulator = createEmulator(emulatorOptions);
  const server = serve({ fetch: emulator.app.fetch, port, hostname });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    emulator,
    url: `http://${hostname}:${actual}`,
    port: actual,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
