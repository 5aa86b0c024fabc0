/** Which competition a message or click is about when one app serves several (src/lark/routing.ts). */
import { describe, expect, it } from 'vitest';
import { routeToCompetition, type RoutingFacts } from '../../src/lark/routing';

const A = { id: 'track-2024', archived: false };
const B = { id: 'youth-2024', archived: false };
const OLD = { id: 'track-2023', archived: true };
const facts = (f: Partial<RoutingFacts>): RoutingFacts => ({ competitions: [A, B, OLD], mine: new Set(), ...f });

describe('routing to a competition', () => {
  it('an app with one competition always answers in it, whatever else is known', () => {
    expect(routeToCompetition({ competitions: [A], mine: new Set(['other']), remembered: 'x' })).toEqual({
      kind: 'one',
      id: A.id,
    });
  });

  it("a click goes to the card's competition and a group to its own, before the person's roles", () => {
    expect(routeToCompetition(facts({ sentBy: B.id, mine: new Set([A.id]) }))).toEqual({ kind: 'one', id: B.id });
    expect(routeToCompetition(facts({ group: OLD.id, mine: new Set([A.id, B.id]) }))).toEqual({
      kind: 'one',
      id: OLD.id,
    });
  });

  it("another app's competition (a group recorded by another bot) is ignored", () => {
    expect(routeToCompetition(facts({ group: 'elsewhere', mine: new Set([B.id]) }))).toEqual({ kind: 'one', id: B.id });
  });

  it('one running competition of the person answers; several ask, offering every one of theirs', () => {
    expect(routeToCompetition(facts({ mine: new Set([B.id, OLD.id]) }))).toEqual({ kind: 'one', id: B.id });
    expect(routeToCompetition(facts({ mine: new Set([A.id, B.id, OLD.id]) }))).toEqual({
      kind: 'ask',
      ids: [A.id, B.id, OLD.id],
    });
  });

  it('a remembered choice answers while the person still holds a role there', () => {
    expect(routeToCompetition(facts({ mine: new Set([A.id, B.id]), remembered: B.id }))).toEqual({
      kind: 'one',
      id: B.id,
    });
    // Unbound from it since: asked again.
    expect(routeToCompetition(facts({ mine: new Set([A.id, OLD.id, 'x']), remembered: B.id })).kind).toBe('one');
    expect(routeToCompetition(facts({ mine: new Set([A.id]), remembered: B.id }))).toEqual({ kind: 'one', id: A.id });
  });

  it('only archived ones: the one, or ask among them; nobody in particular: the first running competition', () => {
    const two = { id: 'track-2022', archived: true };
    expect(routeToCompetition(facts({ mine: new Set([OLD.id]) }))).toEqual({ kind: 'one', id: OLD.id });
    expect(routeToCompetition({ competitions: [A, OLD, two], mine: new Set([OLD.id, two.id]) })).toEqual({
      kind: 'ask',
      ids: [OLD.id, two.id],
    });
    expect(routeToCompetition({ competitions: [OLD, B], mine: new Set() })).toEqual({ kind: 'one', id: B.id });
  });
});
