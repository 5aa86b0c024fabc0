/**
 * Scheduled work, declared as data: each job has a name, how often it comes due and what it runs. The minute tick
 * (node-cron on Node, a Cron Trigger on Workers, `npm run cli -- tick --at`) calls `runDueJobs` once a minute on every
 * server; each due job runs on the one server that claims its slot (`<name>:<minute or hour>`), so that a job runs
 * once per slot however many servers tick. A job that fails is logged and the others still run; the next slot tries
 * again.
 */
import type { Logger } from './logger';

export type Every = 'minute' | 'hour';

export interface ScheduledJob<R = unknown> {
  readonly name: string;
  readonly every: Every;
  /**
   * The competition a job works for: its slots are that competition's (`<scope>/<name>:<minute>`), so that each
   * competition of a deployment runs its own once. Unset: the deployment's (housekeeping), once for all.
   */
  readonly scope?: string;
  run(at: number): Promise<R>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** An hourly job comes due at the top of each hour (UTC); a minute job every minute. */
export const isDue = (job: Pick<ScheduledJob, 'every'>, at: number): boolean =>
  job.every === 'minute' || Math.floor(at / MINUTE) % 60 === 0;

/**
 * The slot a job's run at `at` belongs to, e.g. `shanghai-2024/reminders:2024-04-08T01:30` or
 * `prune:2024-04-08T01`.
 */
export function slotOf(job: Pick<ScheduledJob, 'name' | 'every' | 'scope'>, at: number): string {
  const step = job.every === 'minute' ? MINUTE : HOUR;
  const iso = new Date(Math.floor(at / step) * step).toISOString();
  return `${job.scope ? `${job.scope}/` : ''}${job.name}:${iso.slice(0, job.every === 'minute' ? 16 : 13)}`;
}

export type JobOutcome<R = unknown> =
  | { job: string; ran: true; result: R }
  | { job: string; ran: false; reason: 'not due' | 'claimed elsewhere' | 'failed' };

/**
 * Runs the jobs due at `at` whose slot `claim` grants this server, in the order given. `claim` is the once-per-slot
 * mechanism (src/platform/run-slots.repository.ts claimSlot).
 */
export async function runDueJobs(
  jobs: readonly ScheduledJob[],
  claim: (slot: string) => Promise<boolean>,
  at: number,
  logger: Logger,
): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  for (const job of jobs) {
    if (!isDue(job, at)) {
      outcomes.push({ job: job.name, ran: false, reason: 'not due' });
      continue;
    }
    try {
      if (!(await claim(slotOf(job, at)))) {
        outcomes.push({ job: job.name, ran: false, reason: 'claimed elsewhere' });
        continue;
      }
      outcomes.push({ job: job.name, ran: true, result: await job.run(at) });
    } catch (err) {
      logger.error('scheduled job failed; its next slot tries again', {
        job: job.name,
        at: new Date(at).toISOString(),
        err,
      });
      outcomes.push({ job: job.name, ran: false, reason: 'failed' });
    }
  }
  return outcomes;
}
