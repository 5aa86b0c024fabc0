import type { Text } from './i18n';

/**
 * A failure the user caused and can fix. Services throw it; the edge turns it into a toast or a message
 * in the user's language. Never a 5xx.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    readonly text: Text,
  ) {
    super(`${code}: ${text.en}`);
    this.name = 'UserError';
  }
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;

/** Stops a handler with a message for the user, Chinese first: the edge turns it into a toast or a reply. */
export function refuse(code: string, zh: string, en: string): never {
  throw new UserError(code, { zh, en });
}

/** A configuration or input file problem, reported with the path of each bad value. */
export class ValidationFailed extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ValidationFailed';
  }
}
