/**
 * Every button value the bot puts in a card, as one zod union. Cards are built from these types and callbacks are
 * parsed with the same schema, so a value that does not parse is refused with a toast, whatever a client sent.
 * Values carry no authority: handlers re-check the operator's roles on the server.
 */
import { z } from 'zod';

export const actionValueSchema = z.discriminatedUnion('a', [
  /** Show what the operator may do (the help card). */
  z.strictObject({ a: z.literal('help.show') }),
]);

export type ActionValue = z.infer<typeof actionValueSchema>;
export type ActionName = ActionValue['a'];
