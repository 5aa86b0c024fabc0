/**
 * The composition root: the only place that constructs collaborators. Entries (Node, Workers, CLI) and tests
 * build a container and hand it to createApp or to the services.
 */
import { guidanceRepository } from './features/guidance/guidance.repository';
import { judgeDigestsRepository } from './features/guidance/digest.repository';
import { runJudgeDigests } from './features/guidance/digest.service';
import { attachmentsRepository } from './features/attachments/attachments.repository';
import type { Config } from './config';
import { findCompetition } from './competition/competition.repository';
import type { Competition } from './competition/competition';
import { failuresCommand, noticeGiveUp } from './features/admin/outbox.handlers';
import { exportCommand } from './features/export/export.handlers';
import { CHAT_COMMANDS } from './features/chats/chats.handlers';
import { helpCommand, showHelpAction } from './features/help/help.handlers';
import { PEOPLE_COMMANDS } from './features/people/people.handlers';
import { REGISTRATION_ACTIONS, REGISTRATION_COMMANDS } from './features/registration/registration.handlers';
import { REPORT_ACTIONS, REPORT_COMMANDS, reportAttachSubject } from './features/reports/reports.handlers';
import { Bot, type BotApp } from './lark/bot';
import { withSubtitle, type Card } from '../cards/kit';
import { text, type Text } from './platform/i18n';
import { DisabledLarkApi, SdkLarkApi, type LarkApi } from './lark/client';
import type { BotServices, CardActionSpec, CommandSpec } from './lark/handlers';
import { enqueueMessages, type OutgoingMessage } from './lark/outbox.repository';
import { claimSlot } from './platform/run-slots.repository';
import { pruneExpired } from './platform/retention.repository';
import { runDueJobs, type JobOutcome, type ScheduledJob } from './platform/jobs';
import { createStore } from './platform/store';
import { auditRepository } from './core/audit.repository';
import { chatsRepository } from './core/chats.repository';
import { peopleRepository } from './core/people.repository';
import { projectsRepository } from './core/projects.repository';
import { rolesRepository } from './core/roles.repository';
import { announcementsRepository } from './features/awards/announcements.repository';
import { awardsRepository } from './features/awards/awards.repository';
import { snapshotsRepository } from './features/rankings/snapshots.repository';
import { remindersRepository } from './features/reminders/reminders.repository';
import { reportsRepository } from './features/reports/reports.repository';
import { scoresRepository } from './features/scoring/scores.repository';
import { summariesRepository } from './features/summaries/summaries.repository';
import { outboxRepository } from './lark/outbox.repository';
import { runReminders, type ReminderRun } from './features/reminders/reminders.service';
import { REMINDER_ACTIONS, REMINDER_COMMANDS } from './features/reminders/reminders.handlers';
import { SCORING_ACTIONS, SCORING_COMMANDS } from './features/scoring/scoring.handlers';
import { RANKING_ACTIONS, RANKING_COMMANDS } from './features/rankings/rankings.handlers';
import { AWARD_ACTIONS, AWARD_COMMANDS, awardAttachSubject } from './features/awards/awards.handlers';
import { attachmentFeature } from './features/attachments/attachments.handlers';
import { commentCardItem, GUIDANCE_ACTIONS } from './features/guidance';
import { runScheduledSummaries } from './features/summaries/summaries.service';
import { OutboxSender, type SenderOptions } from './lark/outbox.sender';
import type { VerifySettings } from './lark/verify';
import type { Clock } from './platform/clock';
import type { DbHandle } from './platform/db';
import type { Defer } from './platform/defer';
import { newId } from './platform/ids';
import type { Logger } from './platform/logger';

export interface Container {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly database: DbHandle;
  readonly defer: Defer;
  /** The competition this container runs (the id of its competition file once loaded). */
  readonly competitionId: string;
  /** The Lark app it speaks through ('default': LARK_APP_ID). */
  readonly app: string;
  /** The webhook each app answers at (createApp): here the one app, with this competition alone. */
  readonly apps: readonly AppRoute[];
  readonly lark: LarkApi;
  readonly sender: OutboxSender;
  readonly services: BotServices;
  readonly bot: Bot;
  readonly verify: VerifySettings;
  /** Wakes the outbox sender after the current request (no-op when Lark is disabled). */
  kickOutbox(): void;
  /**
   * The minute tick (node-cron on Node, Cron Triggers on Workers, `npm run cli -- tick --at`): runs the scheduled
   * jobs due at `at` (default now), each on the one server that claims its slot (scheduledJobs), then `maintain`.
   */
  tick(at?: number): Promise<TickReport>;
  /** The scheduled jobs due at `at` without the housekeeping (a deployment runs each competition's, then maintains). */
  runJobs(at: number): Promise<JobOutcome[]>;
  /**
   * Housekeeping, also every few seconds on Node: finish events whose work was cut short and drain the outbox.
   * Overlapping calls in one process are folded into the one already running; across servers the rows' leases keep
   * work single.
   */
  maintain(): Promise<void>;
}

export interface TickReport {
  /** False when another server (or an earlier tick) had already run this minute's reminders, or they failed. */
  ranReminders: boolean;
  reminders: ReminderRun;
  /** The jobs that failed at this tick (logged; their next slot tries again). */
  failed: string[];
}

/** One Lark app's webhook: its bot and how its requests are verified (mounted at /lark or /lark/<name>). */
export interface AppRoute {
  readonly name: string;
  readonly bot: Bot;
  readonly verify: VerifySettings;
}

export interface ContainerParts {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: DbHandle;
  defer: Defer;
  competitionId: string;
  /** Tests and benchmarks inject a client pointed at the emulator; by default it comes from the configuration. */
  lark?: LarkApi;
  sender?: Partial<SenderOptions>;
  callbackBudgetMs?: number;
  /** The card actions; default CARD_ACTIONS (tests wrap them, e.g. to make one slow). */
  cardActions?: readonly CardActionSpec<any>[];
  /** The Lark app the competition speaks through (its file's `app`); default 'default'. */
  app?: string;
  /** The app's sender, when a deployment shares one among the app's competitions. */
  outbox?: OutboxSender;
  /** The app serves several competitions: every card this one sends names it under its title. */
  nameCards?: boolean;
}

/** Every chat command, in the order the help card lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  helpCommand,
  ...REGISTRATION_COMMANDS,
  ...REPORT_COMMANDS,
  ...SCORING_COMMANDS,
  ...RANKING_COMMANDS,
  ...REMINDER_COMMANDS,
  ...PEOPLE_COMMANDS,
  ...CHAT_COMMANDS,
  ...AWARD_COMMANDS,
  failuresCommand,
  exportCommand,
];
/**
 * Evidence files: the intake of files and images sent one-to-one, and the buttons to detach and open them. What they
 * attach to belongs to the reports (a period's report or self-evaluation) and the awards (materials).
 */
export const ATTACHMENTS = attachmentFeature(
  async (s, target, viewer) => (await reportAttachSubject(s, target)) ?? (await awardAttachSubject(s, target, viewer)),
  commentCardItem,
);

/** Every card action. */
export const CARD_ACTIONS: readonly CardActionSpec<any>[] = [
  showHelpAction,
  ...REGISTRATION_ACTIONS,
  ...REPORT_ACTIONS,
  ...REMINDER_ACTIONS,
  ...SCORING_ACTIONS,
  ...RANKING_ACTIONS,
  ...AWARD_ACTIONS,
  ...ATTACHMENTS.actions,
  ...GUIDANCE_ACTIONS,
];

/** Every repository handlers and services use, by the name they reach it under (`s.repos.awards…`). */
export const REPOSITORIES = {
  audit: auditRepository,
  chats: chatsRepository,
  people: peopleRepository,
  projects: projectsRepository,
  roles: rolesRepository,
  announcements: announcementsRepository,
  awards: awardsRepository,
  snapshots: snapshotsRepository,
  reminders: remindersRepository,
  reports: reportsRepository,
  scores: scoresRepository,
  summaries: summariesRepository,
  outbox: outboxRepository,
  guidance: guidanceRepository,
  attachments: attachmentsRepository,
  judgeDigests: judgeDigestsRepository,
} as const;

/**
 * Every scheduled job, run by the minute tick once per slot across servers (src/platform/jobs.ts): the reminders due
 * this minute; the digest to the announcement group, whose own summary_runs row keeps it to once per digest slot;
 * and, hourly, forgetting sent messages, finished inbox events and receipts older than RETENTION_DAYS and run slots
 * older than a week, in bounded batches (src/platform/retention.repository.ts).
 */
export function scheduledJobs(parts: {
  services: BotServices;
  db: DbHandle['db'];
  logger: Logger;
  retentionDays: number;
}): readonly ScheduledJob[] {
  const { services, db, logger, retentionDays } = parts;
  return [
    {
      name: 'reminders',
      every: 'minute',
      scope: services.competitionId,
      async run(at) {
        const run = await runReminders(services, at);
        if (run.sent || run.dropped) logger.info('reminders', { ...run, at: new Date(at).toISOString() });
        return run;
      },
    },
    {
      name: 'summaries',
      every: 'minute',
      scope: services.competitionId,
      run: (at) => runScheduledSummaries(services, at),
    },
    // Each judge's daily card (guidance.judgeDigest), once per judge and day: its judge_digests row.
    {
      name: 'judge-digests',
      every: 'minute',
      scope: services.competitionId,
      run: (at) => runJudgeDigests(services, at),
    },
    {
      name: 'prune',
      every: 'hour',
      async run(at) {
        const pruned = await pruneExpired(db, at, { retentionDays });
        if (pruned.outbox + pruned.inbox + pruned.receipts + pruned.slots > 0) logger.info('pruned', { ...pruned });
        return pruned;
      },
    },
  ];
}

export function createContainer(parts: ContainerParts): Container {
  const { config, logger, clock, database, defer, competitionId } = parts;
  const db = database.db;
  const app = parts.app ?? 'default';
  const lark = parts.lark ?? larkApiFor(config, app, logger);

  // The stored definition rarely changes: re-read it at most every 30 s of the bot's clock (either way: a clock set
  // back, as a test or `tick --at` may, reads it again too).
  let cached: { at: number; competition: Promise<Competition> } | undefined;
  const competition = () => {
    const now = clock.now();
    if (!cached || Math.abs(now - cached.at) > 30_000) {
      const loading = findCompetition(db, competitionId).then((c) => {
        if (!c) throw new Error(`competition ${competitionId} is not loaded`);
        return c;
      });
      loading.catch(() => (cached = undefined));
      cached = { at: now, competition: loading };
    }
    return cached.competition;
  };

  const stamp = messageStamp(app, parts.nameCards ? competition : undefined);

  // This process, as the owner of leases and run slots.
  const owner = newId('srv');
  let sender: OutboxSender;
  const kickOutbox = () => {
    if (lark.enabled) defer.run('outbox drain', () => sender.drain(20_000));
  };
  const services: BotServices = {
    ...createStore(db, repositoriesFor(stamp)),
    clock,
    logger,
    competitionId,
    admins: config.BOT_ADMINS,
    lark,
    competition,
    commands: COMMANDS,
    enqueue: async (messages) => {
      const n = await enqueueMessages(db, await stamp.messages(messages), clock.now());
      if (n > 0) kickOutbox();
      return n;
    },
    wakeOutbox: kickOutbox,
  };
  sender =
    parts.outbox ??
    new OutboxSender(db, lark, logger.child({ component: 'outbox' }), {
      owner,
      app,
      onGiveUp: (row, reason) => noticeGiveUp(services, row, reason),
      ...parts.sender,
    });
  const bot = createBot({ name: app, competitions: [services] }, db, defer, parts);
  const verify = verifySettingsFor(config, app);
  // The sweep and the drain run side by side, each folded into the one already running here: a long drain (a
  // reminder step at the rate limit) must not hold up the sweep that finishes a dead server's events within seconds.
  let sweeping: Promise<number> | undefined;
  const maintain = async () => {
    if (!sweeping)
      sweeping = bot.sweepInbox().finally(() => {
        sweeping = undefined;
      });
    await Promise.all([sweeping, lark.enabled ? sender.drain(20_000) : undefined]);
  };
  const jobs = scheduledJobs({ services, db, logger, retentionDays: config.RETENTION_DAYS });
  const runJobs = async (now: number): Promise<JobOutcome[]> => {
    // An archived competition sends nothing on its own: only the deployment's housekeeping runs.
    const archived = await competition().then(
      (c) => c.file.archived,
      () => false,
    );
    const due = archived ? jobs.filter((j) => j.scope === undefined) : jobs;
    return runDueJobs(due, (slot) => claimSlot(db, slot, owner, now), now, logger);
  };
  const tick = async (at?: number): Promise<TickReport> => {
    const now = at ?? clock.now();
    const outcomes = await runJobs(now);
    await maintain();
    const reminders = outcomes.find((o) => o.job === 'reminders');
    return {
      ranReminders: reminders?.ran === true,
      reminders: reminders?.ran ? (reminders.result as ReminderRun) : { sent: 0, dropped: 0 },
      failed: outcomes.filter((o) => !o.ran && o.reason === 'failed').map((o) => o.job),
    };
  };
  return Object.freeze({
    config,
    logger,
    clock,
    database,
    defer,
    competitionId,
    app,
    apps: [{ name: app, bot, verify }],
    lark,
    sender,
    services,
    bot,
    verify,
    kickOutbox,
    tick,
    runJobs,
    maintain,
  });
}

/** The Lark client of an app: the SDK with its credentials, or a disabled client when it has none. */
export function larkApiFor(config: Config, app: string, logger: Logger): LarkApi {
  const a = config.apps.get(app);
  return a?.enabled
    ? new SdkLarkApi({ appId: a.appId!, appSecret: a.appSecret!, domain: a.domain, logger })
    : new DisabledLarkApi();
}

export function verifySettingsFor(config: Config, app: string): VerifySettings {
  const a = config.apps.get(app);
  return {
    encryptKey: a?.encryptKey,
    verificationToken: a?.verificationToken,
    maxAgeSeconds: config.LARK_SIGNATURE_MAX_AGE_SECONDS,
  };
}

/** The bot of an app over its competitions' services (src/lark/bot.ts routes between several). */
export function createBot(
  app: BotApp,
  db: DbHandle['db'],
  defer: Defer,
  parts: Pick<ContainerParts, 'cardActions' | 'callbackBudgetMs'>,
): Bot {
  return new Bot(app, db, parts.cardActions ?? CARD_ACTIONS, defer, {
    callbackBudgetMs: parts.callbackBudgetMs ?? 2_000,
    resources: ATTACHMENTS.intake,
  });
}

/**
 * What a competition stamps on the messages it enqueues: its app (they are sent with that app's credentials unless
 * they name another) and, where the app serves several competitions, its name under each card's title.
 */
interface MessageStamp {
  readonly app: string;
  readonly naming: boolean;
  messages(messages: readonly OutgoingMessage[]): Promise<OutgoingMessage[]>;
  /** Without waiting for the competition (a step's messages are built inside its transaction): the name last read. */
  messagesNow(messages: readonly OutgoingMessage[]): OutgoingMessage[];
}

function messageStamp(app: string, competition: (() => Promise<Competition>) | undefined): MessageStamp {
  let name: Text | undefined;
  const one = (m: OutgoingMessage): OutgoingMessage => {
    const withApp = m.app ? m : { ...m, app };
    const card = withApp.msgType === 'interactive' ? (withApp.content as Card) : undefined;
    return name && card?.schema === '2.0' && card.header ? { ...withApp, content: withSubtitle(card, name) } : withApp;
  };
  return {
    app,
    naming: competition !== undefined,
    async messages(messages) {
      if (competition) {
        const c = await competition().catch(() => undefined);
        if (c) name = text(c.file.name, c.file.nameEn);
      }
      return messages.map(one);
    },
    messagesNow: (messages) => messages.map(one),
  };
}

/**
 * The repositories of a competition speaking through `app`: the outbox's enqueue (and the award steps that enqueue
 * in their own transaction) stamp the app on each message.
 */
function repositoriesFor(stamp: MessageStamp): typeof REPOSITORIES {
  if (stamp.app === 'default' && !stamp.naming) return REPOSITORIES;
  return {
    ...REPOSITORIES,
    outbox: {
      ...outboxRepository,
      enqueueMessages: async (db, messages, now) => enqueueMessages(db, await stamp.messages(messages), now),
    },
    awards: {
      ...awardsRepository,
      stepAward: (db, competitionId, id, from, change, now) =>
        awardsRepository.stepAward(
          db,
          competitionId,
          id,
          from,
          { ...change, ...(change.messages ? { messages: (a) => stamp.messagesNow(change.messages!(a)) } : {}) },
          now,
        ),
    },
  };
}
