/** Who sees which ranking view, for someone who holds no role (the other roles: test/features/scoring/scoring.rules.test.ts). */
import { describe, expect, it } from 'vitest';
import { NO_ROLES } from '../../../src/core/roles';
import { rankingView } from '../../../src/features/rankings/rankings.rules';

describe('rankings for someone with no role', () => {
  const base = { roles: NO_ROLES, track: undefined, scoringOpened: true };

  it('once published: the published rankings, in any chat, for a track or the overview', () => {
    for (const chatType of ['p2p', 'group'] as const)
      for (const track of [undefined, 'T02'])
        expect(rankingView({ ...base, chatType, track, published: true })).toBe('published');
  });

  it('before: nothing but that they come once published (no live standings, no participation), wherever asked', () => {
    for (const chatType of ['p2p', 'group'] as const)
      for (const scoringOpened of [false, true])
        for (const track of [undefined, 'T02'])
          expect(rankingView({ ...base, chatType, track, scoringOpened, published: false })).toBe('pending');
  });
});
