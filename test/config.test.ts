import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('starts with no environment at all: embedded SQLite, port 3000, Feishu domain, Lark disabled', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBe('sqlite:./data/saidao.sqlite');
    expect(c.PORT).toBe(3000);
    expect(c.LARK_DOMAIN).toBe('https://open.feishu.cn');
    expect(c.COMPETITION_FILE).toBe('db/competitions/shanghai-2024.json');
    expect(c.BOT_ADMINS).toEqual([]);
    expect(c.larkEnabled).toBe(false);
  });

  it('binds the playground (no credentials) to loopback and the production server to every interface, unless HOST says', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ LARK_APP_ID: ' ', LARK_APP_SECRET: '' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ LARK_APP_ID: 'cli_x', LARK_APP_SECRET: 's' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '10.0.0.5', LARK_APP_ID: 'cli_x', LARK_APP_SECRET: 's' }).HOST).toBe('10.0.0.5');
  });

  it('accepts a local emulator as the Lark domain and the Lark brand domain', () => {
    expect(loadConfig({ LARK_DOMAIN: 'http://127.0.0.1:8787/' }).LARK_DOMAIN).toBe('http://127.0.0.1:8787');
    expect(loadConfig({ LARK_DOMAIN: 'https://open.larksuite.com' }).LARK_DOMAIN).toBe('https://open.larksuite.com');
  });

  it('parses the office admins and enables Lark when both credentials are present', () => {
    const c = loadConfig({ BOT_ADMINS: 'ou_a, ou_b', LARK_APP_ID: 'cli_x', LARK_APP_SECRET: 's' });
    expect(c.BOT_ADMINS).toEqual(['ou_a', 'ou_b']);
    expect(c.larkEnabled).toBe(true);
  });

  it('reports every problem on its own readable line and stops', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'postgres://x',
        LOG_LEVEL: 'loud',
        BOT_ADMINS: 'alice',
        LARK_APP_ID: 'cli_x',
        LARK_DOMAIN: 'feishu',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = error!.problems;
    expect(lines.some((l) => l.startsWith('PORT:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('DATABASE_URL: must be mysql://'))).toBe(true);
    expect(lines.some((l) => l.startsWith('LOG_LEVEL:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('BOT_ADMINS: must be comma-separated open_ids'))).toBe(true);
    expect(lines.some((l) => l.startsWith('LARK_APP_SECRET: is required'))).toBe(true);
    expect(lines.some((l) => l.startsWith('LARK_DOMAIN: must be a base URL'))).toBe(true);
    expect(error!.message.split('\n')).toHaveLength(lines.length + 1);
  });
});
