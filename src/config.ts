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
  BOT_ADMINS: z
    .string()
    .default('')
    .transform((v) => v.split(/[,\s]+/).filter(Boolean))
    .refine((ids) => ids.every((id) => /^ou_[A-Za-z0-9_-]+$/.test(id)), 'must be comma-separated open_ids (ou_…)'),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error', 'silent'], { message: 'must be one of debug, info, warn, error, silent' })
    .default('info'),
});

/** Credentials come as a pair: one without the other is a typo, not a choice. Checked beside the schema so that it
 * is reported together with every other problem. */
function credentialProblems(env: Record<string, string | undefined>): string[] {
  const id = Boolean(env.LARK_APP_ID?.trim());
  const secret = Boolean(env.LARK_APP_SECRET?.trim());
  if (id === secret) return [];
  return [`${id ? 'LARK_APP_SECRET' : 'LARK_APP_ID'}: is required when the other Lark credential is set`];
}

export type Config = Readonly<Omit<z.output<typeof configSchema>, 'HOST'>> & {
  readonly HOST: string;
  /** Outgoing messages are sent only when the app credentials are present. */
  readonly larkEnabled: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`)),
    ...credentialProblems(env),
  ];
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const config = parsed.data;
  const larkEnabled = Boolean(config.LARK_APP_ID && config.LARK_APP_SECRET);
  return Object.freeze({ ...config, HOST: config.HOST ?? (larkEnabled ? '0.0.0.0' : '127.0.0.1'), larkEnabled });
}
