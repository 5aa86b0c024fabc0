/**
 * Several competitions in one deployment: the composition of one container per competition (src/container.ts) over
 * the Lark apps they speak through. Each app has one client, one sender (its own drain lease and rate limits: Lark
 * counts them per app) and one bot at its own webhook, which routes each message and click to the competition it is
 * about (src/lark/routing.ts). Every piece of state is scoped: outbox and inbox rows by app, run slots, roles and
 * chats by competition.
 */
import type { Config } from './config';
import { createBot, createContainer, larkApiFor, verifySettingsFor, type AppRoute, type Container } from './container';
import { noticeGiveUp } from './features/admin/outbox.handlers';
import type { LarkApi } from './lark/client';
import type { CardActionSpec } from './lark/handlers';
import { competitionOfRow } from './lark/outbox.repository';
import { OutboxSender, type SenderOptions } from './lark/outbox.sender';
import type { Clock } from './platform/clock';
import type { DbHandle } from './platform/db';
import type { Defer } from './platform/defer';
import { newId } from './platform/ids';
import type { JobOutcome } from './platform/jobs';
import type { Logger } from './platform/logger';

/** A competition of the deployment and the app it speaks through (its file's `app`). */
export interface DeployedCompetition {
  readonly id: string;
  readonly app: string;
}

export interface DeploymentParts {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: DbHandle;
  defer: Defer;
  /** In the order they were configured: an app's first running competition answers people with no role. */
  competitions: readonly DeployedCompetition[];
  /** Tests point each app at its own emulator; by default each app's client comes from the configuration. */
  lark?: (app: string) => LarkApi;
  sender?: Partial<SenderOptions>;
  callbackBudgetMs?: number;
  cardActions?: readonly CardActionSpec<any>[];
}

export interface DeployedApp extends AppRoute {
  readonly lark: LarkApi;
  readonly sender: OutboxSender;
  readonly competitions: readonly Container[];
}

export interface Deployment {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly database: DbHandle;
  readonly defer: Defer;
  readonly apps: readonly DeployedApp[];
  /** Each competition's container, by id. */
  readonly competitions: ReadonlyMap<string, Container>;
  /** Every competition's scheduled jobs due at `at` (archived ones: none), then `maintain`. */
  tick(at?: number): Promise<Map<string, JobOutcome[]>>;
  /** Every app's sweep of unfinished events and outbox drain. */
  maintain(): Promise<void>;
}

export function createDeployment(parts: DeploymentParts): Deployment {
  const { config, logger, clock, database, defer } = parts;
  const db = database.db;
  if (!parts.competitions.length) throw new Error('a deployment needs at least one competition');
  const byApp = new Map<string, DeployedCompetition[]>();
  for (const c of parts.competitions) byApp.set(c.app, [...(byApp.get(c.app) ?? []), c]);
  const owner = newId('srv');
  const competitions = new Map<string, Container>();
  const apps: DeployedApp[] = [];
  for (const [name, members] of byApp) {
    const lark = parts.lark?.(name) ?? larkApiFor(config, name, logger);
    const containers: Container[] = [];
    const sender = new OutboxSender(db, lark, logger.child({ component: 'outbox', app: name }), {
      owner,
      app: name,
      // The office of the competition the message was for hears about it.
      onGiveUp: async (row, reason) => {
        const id = await competitionOfRow(db, row.id);
        const target = containers.find((c) => c.competitionId === id) ?? containers[0]!;
        await noticeGiveUp(target.services, row, reason);
      },
      ...parts.sender,
    });
    for (const m of members) {
      const container = createContainer({
        config,
        logger: logger.child({ competition: m.id }),
        clock,
        database,
        defer,
        competitionId: m.id,
        app: name,
        lark,
        outbox: sender,
        nameCards: members.length > 1,
        ...(parts.callbackBudgetMs !== undefined ? { callbackBudgetMs: parts.callbackBudgetMs } : {}),
        ...(parts.cardActions ? { cardActions: parts.cardActions } : {}),
      });
      containers.push(container);
      competitions.set(m.id, container);
    }
    // One competition: its own bot. Several: one bot over them all, routing each message and click.
    const bot =
      containers.length === 1
        ? containers[0]!.bot
        : createBot({ name, competitions: containers.map((c) => c.services) }, db, defer, parts);
    apps.push({ name, bot, verify: verifySettingsFor(config, name), lark, sender, competitions: containers });
  }

  // The sweeps and the drains run side by side, each folded into the one already running here (a long drain must not
  // hold up the sweep that finishes a dead server's events).
  let sweeping: Promise<unknown> | undefined;
  const maintain = async () => {
    if (!sweeping)
      sweeping = Promise.all(apps.map((a) => a.bot.sweepInbox())).finally(() => {
        sweeping = undefined;
      });
    await Promise.all([sweeping, ...apps.map((a) => (a.lark.enabled ? a.sender.drain(20_000) : undefined))]);
  };
  const tick = async (at?: number) => {
    const now = at ?? clock.now();
    const outcomes = new Map<string, JobOutcome[]>();
    for (const [id, c] of competitions) outcomes.set(id, await c.runJobs(now));
    await maintain();
    return outcomes;
  };
  return Object.freeze({ config, logger, clock, database, defer, apps, competitions, tick, maintain });
}
