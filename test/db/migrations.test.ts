/**
 * Migrations that carry data over: what an earlier version stored is still there, in its new place, after the
 * upgrade (on MySQL and SQLite alike).
 */
import { describe, expect, it } from 'vitest';
import { migrator, migrateToLatest } from '../../src/platform/migrate';
import { toDbInstant } from '../../src/platform/instant';
import { freshDatabase } from '../support/database';

describe('upgrading a database in use', () => {
  it('the award lists announced before award_announcements existed are carried over from the audit log; the latest stays the latest', async () => {
    const t = await freshDatabase({ migrate: false });
    try {
      const { error } = await migrator(t.db).migrateTo('20261122T1800_awards');
      expect(error).toBeUndefined();
      const announced = (id: string, hash: string, ids: string[], at: string) => ({
        id,
        competition_id: 'cmp_1',
        actor: 'ou_office',
        action: 'award.announce',
        entity_type: 'award_list',
        entity_id: hash,
        before_json: null,
        after_json: JSON.stringify({ approved: ids, chats: ['oc_main'] }),
        at: toDbInstant(Date.parse(at)),
      });
      await t.db
        .insertInto('audit_log')
        .values([
          announced('aud_1', 'aaaa', ['awd_1'], '2024-12-20T02:00:00Z'),
          announced('aud_2', 'bbbb', ['awd_1', 'awd_2'], '2024-12-28T02:00:00Z'),
          {
            id: 'aud_3',
            competition_id: 'cmp_1',
            actor: 'ou_x',
            action: 'award.decide',
            entity_type: 'award',
            entity_id: 'awd_2',
            before_json: null,
            after_json: '{}',
            at: toDbInstant(Date.parse('2024-12-27T02:00:00Z')),
          },
        ])
        .execute();
      await migrateToLatest(t.db);
      const rows = await t.db.selectFrom('award_announcements').selectAll().orderBy('announced_at').execute();
      expect(rows.map((r) => [r.list_hash, JSON.parse(r.award_ids), JSON.parse(r.chats), r.announced_by])).toEqual([
        ['aaaa', ['awd_1'], ['oc_main'], 'ou_office'],
        ['bbbb', ['awd_1', 'awd_2'], ['oc_main'], 'ou_office'],
      ]);
      const { latestAnnouncedIds } = await import('../../src/features/awards/announcements.repository');
      expect(await latestAnnouncedIds(t.db, 'cmp_1')).toEqual(new Set(['awd_1', 'awd_2']));
    } finally {
      await t.destroy();
    }
  });
});
