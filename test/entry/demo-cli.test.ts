/**
 * `npm run cli -- demo seed --at <date> [--seed N]`: prints the summary of the season it wrote, reads --at in the
 * competition's time zone, says what is wrong with its arguments, and refuses (exit 1, nothing written) a database
 * that holds anything not the demo's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDemoAt } from '../../src/playground/demo-seed';
import { runCliLines } from '../support/cli';
import { freshDatabase, type TestDatabase } from '../support/database';
import { COMPETITION_2024_PATH, at } from '../support/fixtures';
import { grantRole } from '../support/people';

let t: TestDatabase;
let env: Record<string, string>;
beforeAll(async () => {
  t = await freshDatabase({ shared: true, migrate: false });
  env = { DATABASE_URL: t.url };
});
afterAll(async () => t.destroy());

const cli = (...args: string[]) => runCliLines(args, env);

const projects = async () =>
  Number(
    (
      await t.db
        .selectFrom('projects')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('npm run cli -- demo seed', () => {
  it('needs a loaded competition and a readable --at', async () => {
    expect(await cli('demo', 'seed', '--at', '2024-04-10')).toEqual({
      code: 2,
      out: 'no competition is loaded: run `npm run cli -- competition load <file>` first',
    });
    await cli('competition', 'load', COMPETITION_2024_PATH);
    expect((await cli('demo', 'seed')).code).toBe(2);
    expect(await cli('demo', 'seed', '--at', 'next tuesday')).toEqual({
      code: 2,
      out: '--at needs a date or a local time in Asia/Shanghai, e.g. 2024-11-20 or 2024-11-20T14:30 (got "next tuesday")',
    });
    expect((await cli('demo', 'seed', '--at', '2024-04-10', '--seed', 'many')).code).toBe(2);
  });

  it('writes the season up to --at and prints what it wrote; another seed, another season', async () => {
    const first = await cli('demo', 'seed', '--at', '2024-04-10T14:30');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^shanghai-2024 as of 2024-04-10 14:30 \(Asia\/Shanghai\), seed 1: registration\n/);
    const [, active, withdrawn] = /projects: (\d+) registered(?:, (\d+) withdrawn)?/.exec(first.out) ?? [];
    expect(Number(active)).toBeGreaterThan(30);
    expect(await projects()).toBe(Number(active) + Number(withdrawn ?? 0));
    const other = await cli('demo', 'seed', '--at', '2024-04-10T14:30', '--seed', '7');
    expect(other.out).toContain('seed 7: registration');
    expect(other.out).not.toBe(first.out.replace('seed 1', 'seed 7'));
  });

  it('refuses a database with a real person in it: exit 1, the reason in English and Chinese, nothing written', async () => {
    await grantRole(t, 'ou_4f2a9c_real', 'contact', 'HP');
    const before = await projects();
    const r = await cli('demo', 'seed', '--at', '2024-11-20');
    expect(r.code).toBe(1);
    expect(r.out).toContain('demo seed refused');
    expect(r.out).toContain('a contact HP role of ou_4f2a9c_real');
    expect(r.out).toContain('拒绝生成演示数据');
    expect(await projects()).toBe(before);
  });
});

describe('--at', () => {
  it('reads a date as 09:00 there, a local time, or an instant with its offset', () => {
    const tz = 'Asia/Shanghai';
    expect(parseDemoAt('2024-11-20', tz)).toBe(at('2024-11-20 09:00:00'));
    expect(parseDemoAt('2024-11-20T14:30', tz)).toBe(at('2024-11-20 14:30:00'));
    expect(parseDemoAt('2024-11-20 14:30:15', tz)).toBe(at('2024-11-20 14:30:15'));
    expect(parseDemoAt('2024-11-20T06:30:00Z', tz)).toBe(at('2024-11-20 14:30:00'));
    expect(parseDemoAt('2024-11-20T14:30:00+08:00', tz)).toBe(at('2024-11-20 14:30:00'));
    for (const bad of ['2024-02-30', '2024-11-20T25:00', 'tomorrow', '20241120'])
      expect(parseDemoAt(bad, tz)).toBeUndefined();
  });
});
