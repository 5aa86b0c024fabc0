/**
 * One schema for the whole environment, parsed once at the edge. A missing or malformed value stops the start
 * with one readable line per problem. Names and defaults are documented in the README's configuration table.
 */
import { z } from 'zod';
import { formatPath } from './competition/loader';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const DEFAULT_COMPETITION_FILE = 'db/competitions/shanghai-2024.json';
export const DEFAULT_DATABASE_URL = 'sqlite:./data/saidao.sqlite';

export const configSchema = z.object({
  LARK_APP_ID: optionalText,
  LARK_APP_SECRET: optionalText,
  LARK_VERIFICATION_TOKEN: optionalText,
  LARK_ENCRYPT_KEY: optionalText,
  LARK_DOMAIN: z
    .string()
    .trim()
    .default('https://open.feishu.cn')
    .refine(
      (v) => /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(v),
      'must be a base URL such as https://open.feishu.cn, https://open.larksuite.com or http://127.0.0.1:8787',
    )
    .transform((v) => v.replace(/\/$/, '')),
  LARK_SIGNATURE_MAX_AGE_SECONDS: z.coerce
    .number({ message: 'must be a number of seconds' })
    .int()
    .min(10)
    .max(86_400)
    .default(300),
  DATABASE_URL: z
    .string()
    .trim()
    .default(DEFAULT_DATABASE_URL)
    .refine(
      (v) => /^(mysql|mariadb):\/\/.+/.test(v) || /^sqlite:.+/.test(v),
      'must be mysql://user:password@host:port/database or sqlite:<path>',
    ),
  PORT: z.coerce
    .number({ message: 'must be a port number (0-65535)' })
    .int('must be a port number (0-65535)')
    .min(0)
    .max(65_535)
    .default(3000),
  /** Default 0.0.0.0 with Lark credentials; 127.0.0.1 for the playground (no credentials), which nobody else should reach. */
  HOST: optionalText,
  COMPETITION_FILE: z.string().trim().default(DEFAULT_COMPETITION_FILE),
  /**
   * Several competitions in one deployment: a folder (every *.json in it but the JSON Schema) or a comma-separated
   * list of competition files. When set, it replaces COMPETITION_FILE.
   */
  COMPETITIONS: optionalText,
  BOT_ADMINS: z
    .string()
    .default('')
    .transform((v) => v.split(/[,\s]+/).filter(Boolean))
    .refine((ids) => ids.every((id) => /^ou_[A-Za-z0-9_-]+$/.test(id)), 'must be comma-separated open_ids (ou_…)'),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error', 'silent'], { message: 'must be one of debug, info, warn, error, silent' })
    .default('info'),
  /**
   * Days sent messages, finished events and receipts are kept (src/platform/retention.repository.ts). At least one:
   * a receipt must outlive Lark's re-delivery of its event, about 7.1 h.
   */
  RETENTION_DAYS: z.coerce
    .number({ message: 'must be a whole number of days from 1 to 3650' })
    .int('must be a whole number of days from 1 to 3650')
    .min(1, 'must be a whole number of days from 1 to 3650')
    .max(3650, 'must be a whole number of days from 1 to 3650')
    .default(30),
  /**
   * Workers only: Lark API calls the outbox makes per invocation, under the plan's subrequest limit (Free 50, Paid
   * 10,000: https://developers.cloudflare.com/workers/platform/limits/#subrequests) with room for the token fetch and
   * the request's own calls.
   */
  WORKERS_MAX_SENDS_PER_INVOCATION: z.coerce
    .number({ message: 'must be a whole number from 1 to 9000' })
    .int('must be a whole number from 1 to 9000')
    .min(1, 'must be a whole number from 1 to 9000')
    .max(9_000, 'must be a whole number from 1 to 9000')
    .default(40),
});

/** Credentials come as a pair: one without the other is a typo, not a choice. Checked beside the schema so that it
 * is reported together with every other problem. */
function credentialProblems(env: Record<string, string | undefined>): string[] {
  const id = Boolean(env.LARK_APP_ID?.trim());
  const secret = Boolean(env.LARK_APP_SECRET?.trim());
  if (id === secret) return [];
  return [`${id ? 'LARK_APP_SECRET' : 'LARK_APP_ID'}: is required when the other Lark credential is set`];
}

/** One Lark app's credentials: 'default' from LARK_APP_ID and its siblings, another from LARK_<NAME>_APP_ID…. */
export interface LarkAppConfig {
  /** As competition files name it (`"app": "youth"`); 'default' for LARK_APP_ID. */
  readonly name: string;
  readonly appId: string | undefined;
  readonly appSecret: string | undefined;
  readonly verificationToken: string | undefined;
  readonly encryptKey: string | undefined;
  /** LARK_<NAME>_DOMAIN, else LARK_DOMAIN. */
  readonly domain: string;
  /** Both the id and the secret are set: messages can be sent. */
  readonly enabled: boolean;
}

export type Config = Readonly<Omit<z.output<typeof configSchema>, 'HOST'>> & {
  readonly HOST: string;
  /** Outgoing messages are sent only when the app credentials are present. */
  readonly larkEnabled: boolean;
  /** The default app and every named app the environment configures (LARK_<NAME>_APP_ID…), by name. */
  readonly apps: ReadonlyMap<string, LarkAppConfig>;
};

const NAMED_APP_VARIABLE = /^LARK_([A-Z][A-Z0-9]{0,15})_(APP_ID|APP_SECRET|VERIFICATION_TOKEN|ENCRYPT_KEY|DOMAIN)$/;

/** The named apps' variables, grouped by app; each problem as one readable line. */
function namedApps(
  env: Record<string, string | undefined>,
  defaultDomain: string,
): { apps: LarkAppConfig[]; problems: string[] } {
  const byName = new Map<string, Record<string, string>>();
  for (const [key, raw] of Object.entries(env)) {
    const m = NAMED_APP_VARIABLE.exec(key);
    const value = raw?.trim();
    if (!m || !value) continue;
    const fields = byName.get(m[1]!) ?? {};
    fields[m[2]!] = value;
    byName.set(m[1]!, fields);
  }
  const apps: LarkAppConfig[] = [];
  const problems: string[] = [];
  for (const [upper, f] of byName) {
    const prefix = `LARK_${upper}_`;
    if (Boolean(f.APP_ID) !== Boolean(f.APP_SECRET))
      problems.push(`${prefix}${f.APP_ID ? 'APP_SECRET' : 'APP_ID'}: is required when the other credential is set`);
    const domain = configSchema.shape.LARK_DOMAIN.safeParse(f.DOMAIN ?? defaultDomain);
    if (!domain.success) problems.push(`${prefix}DOMAIN: ${domain.error.issues[0]?.message}`);
    apps.push({
      name: upper.toLowerCase(),
      appId: f.APP_ID,
      appSecret: f.APP_SECRET,
      verificationToken: f.VERIFICATION_TOKEN,
      encryptKey: f.ENCRYPT_KEY,
      domain: domain.success ? domain.data : defaultDomain,
      enabled: Boolean(f.APP_ID && f.APP_SECRET),
    });
  }
  return { apps, problems };
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  const named = namedApps(env, parsed.success ? parsed.data.LARK_DOMAIN : 'https://open.feishu.cn');
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`)),
    ...credentialProblems(env),
    ...named.problems,
  ];
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const config = parsed.data;
  const larkEnabled = Boolean(config.LARK_APP_ID && config.LARK_APP_SECRET);
  const defaultApp: LarkAppConfig = {
    name: 'default',
    appId: config.LARK_APP_ID,
    appSecret: config.LARK_APP_SECRET,
    verificationToken: config.LARK_VERIFICATION_TOKEN,
    encryptKey: config.LARK_ENCRYPT_KEY,
    domain: config.LARK_DOMAIN,
    enabled: larkEnabled,
  };
  const apps = new Map([defaultApp, ...named.apps].map((a) => [a.name, a] as const));
  // Any app with credentials makes this a production server (the playground is for a machine with none at all).
  const anyApp = [...apps.values()].some((a) => a.enabled);
  return Object.freeze({
    ...config,
    HOST: config.HOST ?? (anyApp ? '0.0.0.0' : '127.0.0.1'),
    larkEnabled,
    apps,
  });
}
