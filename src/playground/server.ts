/**
 * Starts the playground (the Node entry does, when LARK_APP_ID is not set): one HTTP server on PORT serving the
 * page, the bot's webhook routes and the emulator under /emulator, with the bot's Lark client (the real node-sdk)
 * pointed at that emulator over HTTP. The port is bound first, so that PORT=0 works: the node-sdk and Lark's deliveries
 * need the real address.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../app';
import { loadConfig } from '../config';
import type { Container } from '../container';
import { readCompetitionFile } from '../competition/loader';
import { boot } from '../entry/bootstrap';
import { SdkLarkApi } from '../lark/client';
import { createLogger, type Logger } from '../platform/logger';
import { buildPageAssets } from './assets';
import { castOf } from './cast';
import { TravelClock } from './clock';
import { DemoRefused, nonDemoData, seedDemo } from './demo-seed';
import {
  EMULATOR_PREFIX,
  Playground,
  PlaygroundError,
  PLAYGROUND_APP_ID,
  playgroundEmulator,
  playgroundSecrets,
  withCast,
} from './playground';
import { mountPlaygroundRoutes } from './routes';

export interface PlaygroundServer {
  /** `http://127.0.0.1:<port>` (or the bound host). */
  url: string;
  container: Container;
  playground: Playground;
  clock: TravelClock;
  close(): Promise<void>;
}

export interface PlaygroundStartOptions {
  env: Record<string, string | undefined>;
  logger?: Logger;
}

/** The database holds someone or something that is not the demo's: the playground does not start on it. */
export class PlaygroundRefused extends Error {
  constructor(findings: readonly string[]) {
    const shown = findings.slice(0, 4).join('; ') + (findings.length > 4 ? `; and ${findings.length - 4} more` : '');
    super(
      `演练场没有启动：这个数据库里有真实数据（${shown}），演练场会把演示身份写进去。正式运行请设置 LARK_APP_ID（见 README 的 Configuration）；想试用请换一个 DATABASE_URL。\n` +
        `The playground did not start: this database holds real data (${shown}), and the playground would write its demo cast into it. To run the bot for real, set LARK_APP_ID (see the README's Configuration); to play, point DATABASE_URL elsewhere.`,
    );
    this.name = 'PlaygroundRefused';
  }
}

export async function startPlaygroundServer(options: PlaygroundStartOptions): Promise<PlaygroundServer> {
  const config = loadConfig(options.env);
  if (config.larkEnabled) throw new Error('the playground runs only without Lark credentials (LARK_APP_ID unset)');
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);

  let handler: (request: Request) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503, headers: { 'retry-after': '1' } });
  const server = serve({ fetch: (request) => handler(request), port: config.PORT, hostname: config.HOST });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const loopback = ['0.0.0.0', '::', ''].includes(config.HOST) ? '127.0.0.1' : config.HOST;
  const url = `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${address.port}`;
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));

  try {
    const clock = new TravelClock();
    const secrets = playgroundSecrets();
    const file = await readCompetitionFile(config.COMPETITION_FILE);
    const cast = castOf(file.file);
    const emulator = playgroundEmulator({ cast, appSecret: secrets.appSecret, now: () => clock.now() });
    const root = new Hono();
    root.route(EMULATOR_PREFIX, emulator.app as unknown as Hono);
    // The emulator answers while the bot boots (loading the competition may look people up).
    handler = (request) => root.fetch(request);

    const [container, assets] = await Promise.all([
      boot({
        env: {
          ...options.env,
          LARK_VERIFICATION_TOKEN: secrets.verificationToken,
          LARK_ENCRYPT_KEY: secrets.encryptKey,
        },
        clock,
        logger,
        lark: new SdkLarkApi({
          appId: PLAYGROUND_APP_ID,
          appSecret: secrets.appSecret,
          domain: `${url}${EMULATOR_PREFIX}`,
          logger,
        }),
        prepare: withCast,
        // A production database reached without credentials (a forgotten LARK_APP_ID) must not get the cast's roles.
        beforeLoad: async (container, competition) => {
          const found = await nonDemoData(container.services, competition.id);
          if (found.length) throw new PlaygroundRefused(found);
        },
      }),
      buildPageAssets(),
    ]);
    const competition = await container.services.competition();
    const playground = new Playground({
      container,
      emulator,
      clock,
      cast,
      timeZone: competition.timeZone,
      competitionName: competition.file.name,
      botUrl: url,
      verificationToken: secrets.verificationToken,
      encryptKey: secrets.encryptKey,
      seed: async (at: number) => {
        try {
          return await seedDemo(container, { at });
        } catch (err) {
          if (err instanceof DemoRefused) throw new PlaygroundError(err.message);
          throw err;
        }
      },
    });
    const bot = createApp(container);
    mountPlaygroundRoutes(root, playground, assets);
    root.all('*', (c) => bot.fetch(c.req.raw));
    await playground.introduceBot();
    return {
      url,
      container,
      playground,
      clock,
      close: async () => {
        await closeServer();
        await container.defer.idle();
        await container.database.destroy();
      },
    };
  } catch (err) {
    await closeServer();
    throw err;
  }
}
