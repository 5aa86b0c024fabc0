/**
 * Binding under concurrency, as several servers would run it (MySQL and SQLite): one unit per contact, one grant
 * and one audit record per identical command, one announcement group per competition.
 */
import { storeOf } from '../support/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompetition } from '../../src/competition/competition.service';
import { setChatPurpose } from '../../src/features/chats/chats.service';
import { bindPeople } from '../../src/features/people/people.service';
import { freshDatabase, type TestDatabase } from '../support/database';
import { competition2024 } from '../support/fixtures';

const now = Date.parse('2024-03-20T02:00:00Z');
const competitionId = 'shanghai-2024';
let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
  await loadCompetition(t.db, competition2024(), { dryRun: false, now, actor: 'test' });
});
afterAll(async () => t.destroy());

const bind = (openId: string, unit: string) =>
  bindPeople(storeOf(t.db), {
    competitionId,
    actor: 'ou_office',
    people: [{ openId, name: openId }],
    wanted: [{ role: 'contact', scope: unit }],
    admins: [],
    now,
  });

describe('concurrent binding', () => {
  it('the same person bound to every unit at once ends up the contact of exactly one', async () => {
    const units = competition2024().file.units.map((u) => u.code);
    for (const racer of ['ou_racer_1', 'ou_racer_2', 'ou_racer_3']) {
      const outcomes = (await Promise.all(units.map((u) => bind(racer, u)))).flat();
      expect(outcomes.filter((o) => o.decision.kind === 'granted')).toHaveLength(1);
      expect(outcomes.filter((o) => o.decision.kind === 'contact-elsewhere')).toHaveLength(units.length - 1);
      const grants = await t.db.selectFrom('role_grants').select('scope').where('open_id', '=', racer).execute();
      expect(grants).toHaveLength(1);
    }
  });

  it('the same command ten times at once makes one grant and one audit record', async () => {
    const outcomes = (await Promise.all(Array.from({ length: 10 }, () => bind('ou_twin', 'YP')))).flat();
    expect(outcomes.filter((o) => o.decision.kind === 'granted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.decision.kind === 'already')).toHaveLength(9);
    const audits = await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('entity_id', '=', 'ou_twin:contact:YP')
      .execute();
    expect(audits).toHaveLength(1);
  });

  it('eight groups made the announcement group at once leave exactly one', async () => {
    const chats = Array.from({ length: 8 }, (_, i) => `oc_race_${i}`);
    await Promise.all(
      chats.map((chatId) =>
        setChatPurpose(storeOf(t.db), {
          competitionId,
          chatId,
          actor: 'ou_office',
          wanted: { purpose: 'announcement' },
          now,
        }),
      ),
    );
    const announcing = await t.db.selectFrom('chats').select('chat_id').where('purpose', '=', 'announcement').execute();
    expect(announcing).toHaveLength(1);
  });
});
