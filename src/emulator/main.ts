/**
 * The emulator as a standalone server (`npm run emulator`): point the bot's Lark client at the printed URL.
 *
 *   EMULATOR_PORT    default 8787
 *   LARK_APP_ID      default cli_emulator
 *   LARK_APP_SECRET  default emulator-secret
 *   EMULATOR_SEED    default 1 (fault dice and ids)
 */
import { startEmulatorServer } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.EMULATOR_PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`EMULATOR_PORT must be a port number, got ${process.env.EMULATOR_PORT}`);
  }
  const seed = process.env.EMULATOR_SEED ? Number(process.env.EMULATOR_SEED) : undefined;
  const { emulator, url, close } = await startEmulatorServer({
    port,
    hostname: '127.0.0.1',
    appId: process.env.LARK_APP_ID || undefined,
    appSecret: process.env.LARK_APP_SECRET || undefined,
    seed,
  });
  console.log(`Lark emulator listening on ${url}`);
  console.log(`  app id:     ${emulator.config.appId}`);
  console.log(`  app secret: ${emulator.config.appSecret}`);
  console.log(`  bot:        ${emulator.config.botOpenId}`);
  console.log(
    `  control:    ${url}/_emulator  (GET calls|messages|files|violations|users|chats; POST faults|reset|users|chats|expire-tokens)`,
  );
  const stop = () => void close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
