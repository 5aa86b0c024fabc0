import { loadConfig } from '../../src/config';
import { createContainer, type Container, type ContainerParts } from '../../src/container';
import { ManualClock } from '../../src/platform/clock';
import { TrackedDefer } from '../../src/platform/defer';
import { createLogger, type Logger } from '../../src/platform/logger';
import type { DbHandle } from '../../src/platform/db';

export interface TestContainer extends Container {
  readonly clock: ManualClock;
  readonly logs: string[];
}

/** A container over a test database with a manual clock and captured JSON logs. */
export function testContainer(
  database: DbHandle,
  env: Record<string, string> = {},
  now = Date.parse('2024-03-20T02:00:00Z'),
  extra: Partial<Pick<ContainerParts, 'lark' | 'sender' | 'callbackBudgetMs' | 'cardActions' | 'defer'>> = {},
): TestContainer {
  const logs: string[] = [];
  const logger: Logger = createLogger('debug', (line) => logs.push(line));
  const config = loadConfig({ LOG_LEVEL: 'debug', ...env });
  const clock = new ManualClock(now);
  const container = createContainer({
    config,
    logger,
    clock,
    database,
    defer: new TrackedDefer(logger),
    competitionId: 'shanghai-2024',
    ...extra,
  });
  return { ...container, clock, logs };
}
