/**
 * The minute tick on Node, scheduled with node-cron one minute at a time.
 *
 * Why not one recurring `* * * * *` task: when the wall clock jumps forward (a VM resumed after months, an NTP step),
 * node-cron's heartbeat walks every missed minute, emits a "missed execution" for each and logs a warning per minute
 * (378,690 lines for nine months), blocking the event loop for seconds to minutes. Here each minute is a task for
 * that exact minute (`m h D M *`, UTC): a jump leaves at most one missed slot, the tick catches up once (the tick
 * itself decides what is due at that instant), and one line says what happened. A watchdog also notices a jump
 * before node-cron's timer fires, and a backward step of the clock, which would otherwise leave the next task hours
 * away. Every server ticks; what must run once per minute across servers claims its slot itself (src/platform/jobs.ts).
 * A `coordinator`, when given, is asked first (node-cron's `runCoordinator`).
 */
import cron from 'node-cron';
import type { Logger } from './logger';

export interface MinuteTickOptions {
  /** The task's name: the coordinator's key prefix (`<name>:<minute ISO>`). */
  name: string;
  run: (at: number) => Promise<unknown>;
  coordinator?: { shouldRun(key: string): Promise<boolean> };
  logger: Logger;
  /** How often the watchdog compares the wall clock with the minute waited for (default 5 s). */
  watchdogMs?: number;
}

export interface MinuteTick {
  /** The minute the next run is armed for (epoch ms). */
  nextSlot(): number;
  stop(): Promise<void>;
}

const MINUTE = 60_000;
/** Late by more than this (or early by more than `BACKWARD_MS`), the clock moved: catch up once and re-arm. */
const JUMP_MS = 90_000;
const BACKWARD_MS = 2 * MINUTE;

const expressionFor = (slot: number): string => {
  const d = new Date(slot);
  return `${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
};

export function startMinuteTick(options: MinuteTickOptions): MinuteTick {
  const { name, run, coordinator, logger } = options;
  // node-cron's own messages (a failed run, a blocked overlap) go to the JSON log like everything else.
  const cronLogger = {
    info: (m: string) => logger.info(m, { name }),
    warn: (m: string) => logger.warn(m, { name }),
    error: (m: string | Error, err?: Error) =>
      logger.error(String(m instanceof Error ? m.message : m), { name, err: err ?? m }),
    debug: (m: string | Error) => logger.debug(String(m instanceof Error ? m.message : m), { name }),
  };
  let generation = 0;
  let task: ReturnType<typeof cron.schedule> | undefined;
  let slot = 0;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();

  const arm = (): void => {
    if (stopped) return;
    const mine = ++generation;
    task?.destroy();
    slot = Math.floor(Date.now() / MINUTE) * MINUTE + MINUTE;
    const t = cron.schedule(
      expressionFor(slot),
      (ctx) => {
        if (mine !== generation) return undefined;
        running = run(ctx.date.getTime());
        return running;
      },
      {
        name,
        timezone: 'Etc/UTC',
        noOverlap: true,
        ...(coordinator ? { distributed: true, runCoordinator: coordinator } : {}),
        suppressMissedWarning: true,
        logger: cronLogger,
      },
    );
    task = t;
    const next = () => {
      if (mine === generation) arm();
    };
    t.on('execution:finished', next);
    t.on('execution:failed', next);
    t.on('execution:skipped', next);
    t.on('execution:missed', () => {
      if (mine === generation) catchUp();
    });
  };

  /** The clock moved past (or back before) the armed minute: run the tick once for now, say so once, re-arm. */
  const catchUp = (): void => {
    const waited = slot;
    const now = Date.now();
    const minutes = Math.round((now - waited) / MINUTE);
    arm();
    logger.warn('the wall clock moved; the minute tick catches up once', {
      name,
      waitedFor: new Date(waited).toISOString(),
      now: new Date(now).toISOString(),
      minutes,
    });
    if (minutes <= 0) return;
    const key = `${name}:${new Date(Math.floor(now / MINUTE) * MINUTE).toISOString()}`;
    running = (coordinator ? coordinator.shouldRun(key) : Promise.resolve(true))
      .then((elected) => (elected ? run(now) : undefined))
      .catch((err) => logger.error('catch-up tick failed', { name, err }));
  };

  const watchdog = setInterval(() => {
    const now = Date.now();
    if (now > slot + JUMP_MS || now < slot - BACKWARD_MS) catchUp();
  }, options.watchdogMs ?? 5_000);
  watchdog.unref();
  arm();

  return {
    nextSlot: () => slot,
    async stop() {
      stopped = true;
      clearInterval(watchdog);
      generation++;
      task?.destroy();
      await running.catch(() => undefined);
    },
  };
}
