/**
 * Which competition a message or a click is about, when one Lark app serves several (pure rules; the bot reads the
 * facts). A group belongs to one competition; in a one-to-one chat it is the person's: the one where they hold roles,
 * or, when they hold roles in several, the one they chose for this conversation, else they are asked.
 */

export interface RoutedCompetition {
  readonly id: string;
  readonly archived: boolean;
}

export interface RoutingFacts {
  /** The app's competitions, in the configured order. */
  readonly competitions: readonly RoutedCompetition[];
  /** The competition that sent the card clicked (a click), from the bot's own record of what it sent. */
  readonly sentBy?: string | undefined;
  /** In a group: the competition the group belongs to. */
  readonly group?: string | undefined;
  /** The competition chosen for this conversation earlier. */
  readonly remembered?: string | undefined;
  /** The competitions where the person holds a role (the bot's admins: all of them). */
  readonly mine: ReadonlySet<string>;
}

export type Routing = { kind: 'one'; id: string } | { kind: 'ask'; ids: string[] };

export function routeToCompetition(f: RoutingFacts): Routing {
  const ours = (id: string | undefined) =>
    id !== undefined && f.competitions.some((c) => c.id === id) ? id : undefined;
  if (f.competitions.length === 1) return { kind: 'one', id: f.competitions[0]!.id };
  const fixed = ours(f.sentBy) ?? ours(f.group);
  if (fixed) return { kind: 'one', id: fixed };
  const mine = f.competitions.filter((c) => f.mine.has(c.id));
  const remembered = ours(f.remembered);
  if (remembered && mine.some((c) => c.id === remembered)) return { kind: 'one', id: remembered };
  // A finished competition is asked about only when it is all the person has; the chooser offers it beside the rest.
  const active = mine.filter((c) => !c.archived);
  if (active.length === 1) return { kind: 'one', id: active[0]!.id };
  if (active.length > 1) return { kind: 'ask', ids: mine.map((c) => c.id) };
  if (mine.length === 1) return { kind: 'one', id: mine[0]!.id };
  if (mine.length > 1) return { kind: 'ask', ids: mine.map((c) => c.id) };
  // Nobody in particular: the app's first running competition answers (its help says what they may do).
  return { kind: 'one', id: (f.competitions.find((c) => !c.archived) ?? f.competitions[0]!).id };
}
