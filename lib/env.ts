import { createEnv } from '@t3-oss/env-nextjs';
import { z } from 'zod';

// The AWS SDK is pinned to releases that support Node 20 (../shared/STACK.md); its notice that
// later releases will not is noise in every log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(1).max(65535);

// The password rules of lib/users/password-rules.ts (next.config.ts loads this file on its own,
// so it imports nothing of the project): bcrypt reads 72 bytes, a longer seed password would be
// cut unseen. tests/unit/env.test.ts checks both against that file.
/** The longest a WOPI access token may live (WOPI_TOKEN_TTL_SECONDS' ceiling, the CLI's --ttl-hours'; the janitor relies on it). */
export const MAX_WOPI_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

const PASSWORD_MIN_LENGTH = 8;
const PASSWORD_MAX_BYTES = 72;
const seedPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH)
  .refine(
    (value) => Buffer.byteLength(value, 'utf8') <= PASSWORD_MAX_BYTES,
    `must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8 (bcrypt ignores the rest)`,
  )
  .optional();

/**
 * The only module that reads process.env. Validated on first import: `npm start`, `next build`
 * (via next.config.ts), the CLI and the tests fail fast naming the bad variable.
 */
const buildEnv = () =>
  createEnv({
    server: {
      NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      HOST: z.string().default('127.0.0.1'),
      PORT: port.default(3000),
      PUBLIC_URL: z.url().optional(),
      // Reverse proxies in front of the server: the client address is the TRUST_PROXY-th entry
      // from the right of X-Forwarded-For (0: the socket's address; X-Forwarded-For is ignored).
      TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
      // Longest silence (ms) of a client with a request under way (mid-body, or not reading the
      // answer): its connection is closed. Never a limit on a request's total duration.
      CLIENT_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
      // Node/V8 options for the process serving /wopi only (lib/server/core-node-flags.ts says why
      // these); `none`: V8's defaults. A flag NODE_OPTIONS also sets is left to NODE_OPTIONS.
      CORE_NODE_FLAGS: z
        .string()
        .regex(
          /^(none|\s*(--[a-z0-9_-]+(=\S+)?\s*)+)$/i,
          'must be "none" or Node options such as --max-semi-space-size=8, space-separated',
        )
        .default('--max-semi-space-size=8 --initial-old-space-size=64'),
      DATA_DIR: z.string().default('.data'),

      DATABASE_URL: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
        .optional(),
      EMBEDDED_PG_PORT: port.default(54329),
      DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(3000),
      DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),

      S3_ENDPOINT: z.url().optional(),
      EMBEDDED_S3_PORT: port.default(54330),
      S3_REGION: z.string().default('us-east-1'),
      S3_BUCKET: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
        .default('wopi-documents'),
      S3_ACCESS_KEY_ID: z.string().optional(),
      S3_SECRET_ACCESS_KEY: z.string().optional(),
      S3_FORCE_PATH_STYLE: booleanString.default(true),
      S3_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
      // Largest declared body sent as one streamed PutObject (S3 takes up to 5 GiB in one); larger
      // or undeclared ones go multipart (lib/storage/objects.ts has the measurements).
      S3_SINGLE_PUT_MAX_BYTES: z.coerce
        .number()
        .int()
        .min(0)
        .max(5 * 1024 ** 3)
        .default(1024 ** 3),
      S3_PREFIX: z
        .string()
        .regex(/^([^/].*\/)?$/, 'must be empty or end with "/" (and not start with "/")')
        .default(''),

      AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
      WOPI_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),

      SEED_ADMIN_EMAIL: z.email().default('admin@example.com'),
      SEED_ADMIN_PASSWORD: seedPassword,
      SEED_USER_EMAIL: z.email().default('user@example.com'),
      SEED_USER_PASSWORD: seedPassword,
      SEED_SAMPLE_DOCUMENTS: booleanString.default(true),

      WOPI_CLIENTS: z
        .string()
        .regex(
          /^\s*[a-z0-9][a-z0-9_-]*\s*=\s*https?:\/\/[^\s,]+(\s*,\s*[a-z0-9][a-z0-9_-]*\s*=\s*https?:\/\/[^\s,]+)*\s*$/,
          'must be a comma-separated list of name=discovery-URL (e.g. collabora=http://localhost:9980/hosting/discovery)',
        )
        .optional(),
      DISCOVERY_REFRESH_HOURS: z.coerce
        .number()
        .positive()
        .max(24 * 7)
        .default(12),
      DISCOVERY_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
      WOPI_TOKEN_TTL_SECONDS: z.coerce
        .number()
        .int()
        .min(60)
        .max(MAX_WOPI_TOKEN_TTL_SECONDS)
        .default(10 * 3600),
      MAX_UPLOAD_BYTES: z.coerce
        .number()
        .int()
        .positive()
        .default(2 * 1024 ** 3),
      RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(30),
      STORAGE_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).default(2000),
      // Maintenance (lib/documents/janitor.ts).
      JANITOR_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
      // Each run syncs the folders nobody has opened (search then finds what other tools put there).
      JANITOR_SYNC_FOLDERS: booleanString.default(true),
      // Must exceed the longest upload plus its commit (10 min): younger unreferenced blobs may be in flight.
      STAGING_GRACE_SECONDS: z.coerce
        .number()
        .int()
        .min(600, 'must be at least 600 (the commit timeout)')
        .default(86_400),
      TRASH_RETENTION_DAYS: z.coerce.number().min(0).default(30),
      VERSIONS_KEEP: z.coerce.number().int().min(0).default(0),
    },
    client: {},
    experimental__runtimeEnv: {},
    emptyStringAsUndefined: true,
    skipValidation: process.env.SKIP_ENV_VALIDATION === '1',
    onValidationError: (issues) => {
      const lines = issues.map((issue) => `  ${issue.path?.map(String).join('.') ?? '?'}: ${issue.message}`);
      throw new Error(`Invalid environment variables:\n${lines.join('\n')}`);
    },
  });

export type Env = ReturnType<typeof buildEnv>;

let cached: Env | undefined;

let isDotenvLoaded = false;

/**
 * A `.env` in the working directory fills variables the environment leaves unset (Next.js
 * reads it too). Tests never read it (vitest, or SKIP_DOTENV=1 from the e2e runner): they must
 * not pick up a developer's database. Decided once per process: every `env.X` comes through
 * here, and reading process.env (a call into the runtime) on each would cost every request.
 */
const loadDotenv = () => {
  if (isDotenvLoaded) return;
  isDotenvLoaded = true;
  if (process.env.VITEST || process.env.SKIP_DOTENV === '1') return;
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
};

/** Validates process.env now (and caches it); throws naming every bad variable. */
export const loadEnv = (): Env => {
  loadDotenv();

  return (cached ??= buildEnv());
};

export const env: Env = new Proxy({} as Env, {
  get: (_, key) => loadEnv()[key as keyof Env],
});

/**
 * Start-up scripts resolve embedded services before anything reads the config; they hand the
 * resulting connection settings (and child processes inherit them) through here.
 */
export const setRuntimeEnv = (values: Record<string, string | undefined>) => {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  cached = undefined;
};

/** The environment to pass to child processes (next, prisma). */
export const childProcessEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  ...extra,
});

/** The URL editors and browsers use to reach this host. */
export const publicUrl = () =>
  (env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`).replace(/\/$/, '');
