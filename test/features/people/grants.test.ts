import { describe, expect, it } from 'vitest';
import { cardBytes } from '../../../cards/kit';
import { membersCard } from '../../../cards/members';
import { competition2024Json } from '../../support/fixtures';
import {
  decideGrant,
  leavesNoOffice,
  membersView,
  planUnbind,
  roleFromWord,
} from '../../../src/features/people/grants';
import type { Grant } from '../../../src/core/roles';

const g = (openId: string, role: Grant['role'], scope = '', source: Grant['source'] = 'chat'): Grant => ({
  openId,
  role,
  scope,
  source,
});

describe('granting', () => {
  it('grants what the person does not hold', () => {
    expect(decideGrant([], { role: 'judge', scope: 'T02' }, false)).toEqual({ kind: 'grant' });
    expect(decideGrant([g('a', 'judge', 'T02')], { role: 'judge', scope: 'T03' }, false)).toEqual({ kind: 'grant' });
  });

  it('says where an existing grant comes from', () => {
    expect(decideGrant([g('a', 'contact', 'HP', 'file')], { role: 'contact', scope: 'HP' }, false)).toEqual({
      kind: 'already',
      source: 'file',
    });
    expect(decideGrant([], { role: 'office', scope: '' }, true)).toEqual({ kind: 'already', source: 'env' });
  });

  it('keeps a contact to one unit', () => {
    expect(decideGrant([g('a', 'contact', 'HP')], { role: 'contact', scope: 'JA' }, false)).toEqual({
      kind: 'contact-elsewhere',
      units: ['HP'],
    });
  });
});

describe('unbinding', () => {
  const held = [g('a', 'contact', 'HP', 'file'), g('a', 'judge', 'T02'), g('a', 'judge', 'T03'), g('a', 'office')];

  it('nothing named: every chat grant, file grants kept', () => {
    expect(planUnbind(held, { kind: 'all' }, false)).toEqual({
      remove: held.slice(1),
      keptFromFile: [held[0]],
      envOfficeKept: false,
    });
  });

  it('a role: every grant of it, whatever the source; a grant: that one', () => {
    expect(planUnbind(held, { kind: 'role', role: 'judge' }, false).remove).toEqual([held[1], held[2]]);
    expect(planUnbind(held, { kind: 'grant', role: 'contact', scope: 'HP' }, false).remove).toEqual([held[0]]);
  });

  it('office from BOT_ADMINS is kept and said so', () => {
    expect(planUnbind([], { kind: 'role', role: 'office' }, true)).toEqual({
      remove: [],
      keptFromFile: [],
      envOfficeKept: true,
    });
    expect(planUnbind([], { kind: 'role', role: 'judge' }, true).envOfficeKept).toBe(false);
  });

  it('the last office holder cannot go, unless BOT_ADMINS remain', () => {
    expect(leavesNoOffice(['a'], [g('a', 'office')], [])).toBe(true);
    expect(leavesNoOffice(['a', 'b'], [g('a', 'office')], [])).toBe(false);
    expect(leavesNoOffice(['a', 'env'], [g('a', 'office')], ['env'])).toBe(false);
    expect(leavesNoOffice(['a'], [g('a', 'judge', 'T02')], [])).toBe(false);
  });

  it('reads role words in both languages', () => {
    expect(['联络员', '评委', '领导', 'ADMIN', '竞赛办'].map(roleFromWord)).toEqual([
      'contact',
      'judge',
      'leader',
      'office',
      'office',
    ]);
    expect(roleFromWord('黄浦')).toBeUndefined();
  });
});

describe('the members overview', () => {
  it('puts people under their units and tracks, BOT_ADMINS first, and shows grants whose unit is gone', () => {
    const names = {
      units: [
        { code: 'HP', name: '黄浦区城管执法局', shortName: '黄浦', aliases: [] },
        { code: 'JA', name: '静安区城管执法局', shortName: '静安', aliases: [] },
      ],
      tracks: [{ code: 'T02', name: '法治建设', nameEn: 'Rule of law' }],
    };
    const view = membersView(
      names,
      [g('z', 'contact', 'HP'), g('y', 'contact', 'HP', 'file'), g('x', 'office'), g('w', 'contact', 'OLD')],
      ['env'],
      new Map([
        ['z', '张三'],
        ['y', '李四'],
      ]),
    );
    expect(view.office.map((h) => [h.name, h.source])).toEqual([
      ['env', 'env'],
      ['x', 'chat'],
    ]);
    expect(view.units.map((u) => [u.code, u.contacts.map((h) => h.name)])).toEqual([
      ['HP', ['李四', '张三']],
      ['JA', []],
    ]);
    expect(view.tracks[0]!.judges).toEqual([]);
    expect(view.orphans).toEqual([{ openId: 'w', name: 'w', source: 'chat', role: 'contact', scope: 'OLD' }]);
  });
});

describe('the members card', () => {
  it("stays well under Lark's 30 KB with three contacts per unit and five judges per track", () => {
    const file = competition2024Json();
    const grants = [
      ...file.units.flatMap((u: { code: string }) => [1, 2, 3].map((i) => g(`ou_${u.code}_${i}`, 'contact', u.code))),
      ...file.tracks.flatMap((t: { code: string }) =>
        [1, 2, 3, 4, 5].map((i) => g(`ou_${t.code}_${i}`, 'judge', t.code)),
      ),
    ];
    const names = new Map(grants.map((x) => [x.openId, '欧阳某某某']));
    const leaders = file.units.map((u: { code: string }) => ({ openId: `ou_${u.code}_leader`, unit: u.code }));
    const card = membersCard(
      membersView({ units: file.units, tracks: file.tracks }, grants, ['ou_admin'], names, leaders),
    );
    expect(cardBytes(card)).toBeLessThan(20_000);
  });

  it("shows the units' leaders from the file, for the units that have one", () => {
    const file = competition2024Json();
    const view = membersView({ units: file.units, tracks: file.tracks }, [], [], new Map([['ou_l1', '王局']]), [
      { openId: 'ou_l1', unit: 'JA' },
      { openId: 'ou_l2', unit: 'JA' },
    ]);
    expect(view.unitLeaders).toEqual([
      {
        code: 'JA',
        shortName: '静安',
        leaders: [
          { openId: 'ou_l1', name: '王局', source: 'file' },
          { openId: 'ou_l2', name: 'ou_l2', source: 'file' },
        ],
      },
    ]);
    const text = JSON.stringify(membersCard(view));
    expect(text).toContain('单位领导');
    expect(text).toContain('"unit":"静安（JA）","leaders":"王局［文件 file］、ou_l2［文件 file］"');
  });
});
