/**
 * The composition root: the only place that constructs collaborators. Entries (Node, Workers, CLI) and tests
 * build a container and hand it to createApp or to the services.
 */
import type { Config } from './config';
import type { Clock } from './platform/clock';
import type { DbHandle } from './platform/db';
import type { Defer } from './platform/defer';
import type { Logger } from './platform/logger';

export interface Container {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly database: DbHandle;
  readonly defer: Defer;
  /** The competition the bot runs (the id of COMPETITION_FILE once loaded). */
  readonly competitionId: string;
}

export interface ContainerParts {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: DbHandle;
  defer: Defer;
  competitionId: string;
}

export function createContainer(parts: ContainerParts): Container {
  return Object.freeze({ ...parts });
}
