import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { env, loadEnv, publicUrl, setRuntimeEnv, type Env } from '@/lib/env';
import { DEFAULT_CORE_NODE_FLAGS } from '@/lib/server/core-node-flags';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from '@/lib/users/password-rules';

// Every variable a test here sets; each is put back to its previous value after every test.
const TOUCHED = [
  'SKIP_ENV_VALIDATION',
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'S3_BUCKET',
  'S3_ENDPOINT',
  'S3_PREFIX',
  'S3_FORCE_PATH_STYLE',
  'SEED_SAMPLE_DOCUMENTS',
  'DATABASE_URL',
  'MAX_UPLOAD_BYTES',
  'AUTH_SECRET',
  'SEED_ADMIN_PASSWORD',
  'SEED_USER_PASSWORD',
  'CORE_NODE_FLAGS',
] as const;

let saved: Record<string, string | undefined> = {};

beforeEach(() => {
  saved = Object.fromEntries(TOUCHED.map((key) => [key, process.env[key]]));
  // Start every test from the defaults, with validation on.
  setRuntimeEnv(Object.fromEntries(TOUCHED.map((key) => [key, undefined])));
});

afterEach(() => {
  setRuntimeEnv(saved);
});

const loadError = (): Error => {
  try {
    loadEnv();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`loadEnv threw a non-Error: ${String(error)}`);
  }
  throw new Error('loadEnv did not throw');
};

describe('loadEnv: validation', () => {
  it('CORE_NODE_FLAGS unset → the flags lib/server/core-node-flags.ts documents; "none" and other options kept as given', () => {
    expect(loadEnv().CORE_NODE_FLAGS).toBe(DEFAULT_CORE_NODE_FLAGS);
    setRuntimeEnv({ CORE_NODE_FLAGS: 'none' });
    expect(loadEnv().CORE_NODE_FLAGS).toBe('none');
    setRuntimeEnv({ CORE_NODE_FLAGS: '--max-semi-space-size=16  --max_old_space_size=512' });
    expect(loadEnv().CORE_NODE_FLAGS).toBe('--max-semi-space-size=16  --max_old_space_size=512');
  });

  it.each(['foo', '--max-semi-space-size=8 foo', '-x', 'none --max-semi-space-size=8'])(
    'CORE_NODE_FLAGS %j → refused, naming the variable',
    (value) => {
      setRuntimeEnv({ CORE_NODE_FLAGS: value });
      expect(loadError().message).toMatch(/CORE_NODE_FLAGS: must be "none" or Node options/);
    },
  );

  it('no variables set → defaults', () => {
    expect(loadEnv()).toMatchObject({
      PORT: 3000,
      S3_BUCKET: 'wopi-documents',
      S3_PREFIX: '',
      S3_FORCE_PATH_STYLE: true,
      MAX_UPLOAD_BYTES: 2 * 1024 ** 3,
    });
    expect(loadEnv().DATABASE_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '0'],
    ['PORT', '65536'],
    ['S3_BUCKET', 'Bad_Name'],
    ['S3_BUCKET', 'ab'],
    ['DATABASE_URL', 'mysql://x'],
    ['S3_PREFIX', '/x'],
    ['S3_PREFIX', 'x'],
    ['S3_PREFIX', '/x/'],
    ['MAX_UPLOAD_BYTES', '-1'],
    ['MAX_UPLOAD_BYTES', '0'],
    ['MAX_UPLOAD_BYTES', '1.5'],
    ['S3_FORCE_PATH_STYLE', 'maybe'],
    ['S3_ENDPOINT', 'not a url'],
    ['AUTH_SECRET', 'too-short'],
  ])('%s=%j → throws naming %s', (key, value) => {
    setRuntimeEnv({ [key]: value });
    const error = loadError();
    expect(error.message).toMatch(/^Invalid environment variables:/);
    expect(error.message).toContain(`  ${key}: `);
  });

  it('several bad variables → one Error naming each of them', () => {
    setRuntimeEnv({
      PORT: 'abc',
      S3_BUCKET: 'Bad_Name',
      DATABASE_URL: 'mysql://x',
      S3_PREFIX: '/x',
      MAX_UPLOAD_BYTES: '-1',
    });
    const { message } = loadError();
    for (const key of ['PORT', 'S3_BUCKET', 'DATABASE_URL', 'S3_PREFIX', 'MAX_UPLOAD_BYTES']) {
      expect(message).toContain(`  ${key}: `);
    }
    expect(message).toContain('DATABASE_URL: must be a postgresql:// URL');
    expect(message).toContain('S3_BUCKET: must be a valid S3 bucket name');
    expect(message).toContain('S3_PREFIX: must be empty or end with "/" (and not start with "/")');
  });

  it('SEED_ADMIN_PASSWORD over 72 UTF-8 bytes (bcrypt would cut it) → throws naming it; 72 bytes → taken', () => {
    setRuntimeEnv({ SEED_ADMIN_PASSWORD: 'a'.repeat(100) });
    expect(loadError().message).toMatch(/SEED_ADMIN_PASSWORD.*at most 72 bytes/);
    setRuntimeEnv({ SEED_ADMIN_PASSWORD: undefined, SEED_USER_PASSWORD: 'ß'.repeat(37) });
    expect(loadError().message).toMatch(/SEED_USER_PASSWORD.*at most 72 bytes/);
    setRuntimeEnv({ SEED_USER_PASSWORD: 'ß'.repeat(36) });
    expect(loadEnv().SEED_USER_PASSWORD).toBe('ß'.repeat(36));
    // The same limits as lib/users/password-rules.ts (env.ts keeps its own copy: next.config.ts loads it alone).
    expect(PASSWORD_MAX_BYTES).toBe(72);
    setRuntimeEnv({ SEED_USER_PASSWORD: 'x'.repeat(PASSWORD_MIN_LENGTH - 1) });
    expect(loadError().message).toContain('SEED_USER_PASSWORD');
  });

  it('the error does not name variables that are fine', () => {
    setRuntimeEnv({ PORT: 'abc', S3_BUCKET: 'good-bucket' });
    expect(loadError().message).not.toContain('S3_BUCKET');
  });

  it.each<[keyof Env, string, unknown]>([
    ['PORT', '8080', 8080],
    ['S3_BUCKET', 'my.bucket-1', 'my.bucket-1'],
    ['DATABASE_URL', 'postgresql://u:p@h/db', 'postgresql://u:p@h/db'],
    ['DATABASE_URL', 'postgres://u:p@h/db', 'postgres://u:p@h/db'],
    ['S3_PREFIX', 'tenant/', 'tenant/'],
    ['S3_PREFIX', 'a/b/', 'a/b/'],
    ['MAX_UPLOAD_BYTES', '1048576', 1_048_576],
  ])('%s=%j → %j', (key, value, expected) => {
    setRuntimeEnv({ [key]: value });
    expect(loadEnv()[key]).toEqual(expected);
  });

  it.each<[keyof Env]>([['S3_ENDPOINT'], ['DATABASE_URL'], ['PUBLIC_URL']])(
    '%s="" counts as unset → undefined',
    (key) => {
      setRuntimeEnv({ [key]: '' });
      expect(loadEnv()[key]).toBeUndefined();
    },
  );

  it.each<[keyof Env, unknown]>([
    ['PORT', 3000],
    ['S3_PREFIX', ''],
    ['S3_BUCKET', 'wopi-documents'],
  ])('%s="" counts as unset → default %j', (key, expected) => {
    setRuntimeEnv({ [key]: '' });
    expect(loadEnv()[key]).toBe(expected);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('S3_FORCE_PATH_STYLE=%j → %s', (value, expected) => {
    setRuntimeEnv({ S3_FORCE_PATH_STYLE: value, SEED_SAMPLE_DOCUMENTS: value });
    expect(loadEnv().S3_FORCE_PATH_STYLE).toBe(expected);
    expect(loadEnv().SEED_SAMPLE_DOCUMENTS).toBe(expected);
  });

  it('loadEnv caches: a later process.env change is seen only after setRuntimeEnv', () => {
    setRuntimeEnv({ PORT: '4000' });
    expect(loadEnv().PORT).toBe(4000);
    process.env.PORT = '5000';
    expect(loadEnv().PORT).toBe(4000);
    setRuntimeEnv({ PORT: '6000' });
    expect(loadEnv().PORT).toBe(6000);
  });

  it('env proxy reads the current validated config', () => {
    setRuntimeEnv({ PORT: '4321' });
    expect(env.PORT).toBe(4321);
  });

  it('SKIP_ENV_VALIDATION=1 → bad values do not throw', () => {
    setRuntimeEnv({ SKIP_ENV_VALIDATION: '1', PORT: 'abc' });
    expect(() => loadEnv()).not.toThrow();
  });
});

describe('publicUrl', () => {
  it('no PUBLIC_URL → http://127.0.0.1:3000', () => {
    expect(publicUrl()).toBe('http://127.0.0.1:3000');
  });

  it('PORT=4000 → http://127.0.0.1:4000', () => {
    setRuntimeEnv({ PORT: '4000' });
    expect(publicUrl()).toBe('http://127.0.0.1:4000');
  });

  it('HOST=0.0.0.0 → http://127.0.0.1:PORT (a reachable address, not the wildcard)', () => {
    setRuntimeEnv({ HOST: '0.0.0.0', PORT: '4000' });
    expect(publicUrl()).toBe('http://127.0.0.1:4000');
  });

  it('HOST=portal.local → http://portal.local:PORT', () => {
    setRuntimeEnv({ HOST: 'portal.local', PORT: '8080' });
    expect(publicUrl()).toBe('http://portal.local:8080');
  });

  it.each([
    ['https://docs.example.com', 'https://docs.example.com'],
    ['https://docs.example.com/', 'https://docs.example.com'],
    ['https://example.com/portal/', 'https://example.com/portal'],
    ['http://10.0.0.5:8080', 'http://10.0.0.5:8080'],
  ])('PUBLIC_URL=%j → %j', (value, expected) => {
    setRuntimeEnv({ PUBLIC_URL: value, PORT: '4000' });
    expect(publicUrl()).toBe(expected);
  });

  it('PUBLIC_URL="not a url" → throws naming PUBLIC_URL', () => {
    setRuntimeEnv({ PUBLIC_URL: 'not a url' });
    expect(() => publicUrl()).toThrow(/PUBLIC_URL/);
  });
});

describe('reading the configuration on a hot path', () => {
  it('env.X after the first read touches process.env no more (no per-request getenv for VITEST / SKIP_DOTENV)', () => {
    loadEnv();
    const original = process.env;
    const reads: string[] = [];
    process.env = new Proxy(original, {
      get: (target, key) => {
        if (typeof key === 'string') reads.push(key);

        return Reflect.get(target, key) as string | undefined;
      },
    });
    try {
      for (let i = 0; i < 100; i++) void env.PORT;
      loadEnv();
    } finally {
      process.env = original;
    }
    expect(reads).toEqual([]);
  });
});
