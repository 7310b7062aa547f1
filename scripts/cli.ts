/**
 * `npm run cli -- <command>`: administration from a shell. JSON on stdout; on error a message on
 * stderr and a non-zero exit (2 for usage errors). With embedded defaults it attaches to the
 * services of a running `npm start` on the same DATA_DIR, or starts them for the command.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrateDatabase } from '@/lib/embedded/migrate';
import { secretOverrides } from '@/lib/embedded/secrets';
import { startServices, type Services } from '@/lib/embedded/services';
import { loadEnv, setRuntimeEnv } from '@/lib/env';

const USAGE = `Usage: npm run cli -- <command> [options]

  users add --email E --password P --role admin|editor|viewer [--name N]
  users list
  users set-role --email E --role admin|editor|viewer
  users disable --email E | users enable --email E
  users set-password --email E [--password P]   (without --password: a generated one, printed once)
  documents upload <path> [--name N] [--folder F] [--on-conflict fail|replace|rename]
  documents list [--folder F] [--all]
  documents reconcile [--folder F]
  documents versions <id>
  documents restore-version <id> <version>
  documents trash
  documents restore <id>
  discovery status | discovery refresh
  maintenance run [--dry-run]
  token --document ID --user EMAIL [--readonly | --permissions read,write,rename,delete,create] [--ttl-hours H]

Output is JSON. Configuration comes from the environment (see .env.example).`;

class UsageError extends Error {}

const CLI_ACTOR = { id: null, via: 'cli' } as const;

const print = (value: unknown) =>
  process.stdout.write(`${JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`);

const options = {
  email: { type: 'string' },
  password: { type: 'string' },
  role: { type: 'string' },
  name: { type: 'string' },
  folder: { type: 'string' },
  'on-conflict': { type: 'string' },
  all: { type: 'boolean' },
  document: { type: 'string' },
  user: { type: 'string' },
  readonly: { type: 'boolean' },
  permissions: { type: 'string' },
  'ttl-hours': { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const required = (value: string | undefined, flag: string) => {
  if (!value) throw new UsageError(`--${flag} is required.`);

  return value;
};

type Args = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;

const run = async ({ values, positionals }: Args) => {
  const [group, command, ...rest] = positionals;
  const usersAdmin = await import('@/lib/users/admin');
  const { uploadDocument } = await import('@/lib/documents/write');
  const { reconcileFolder } = await import('@/lib/documents/reconcile');
  const { env } = await import('@/lib/env');
  const { listDocumentRows } = await import('@/lib/documents/queries');

  if (group === 'token') {
    const { findUserByEmail } = await import('@/lib/users/users');
    const { issueAccessToken } = await import('@/lib/tokens/issue');
    const email = required(values.user, 'user');
    const user = await findUserByEmail(email);
    if (!user) throw new Error(`No user with email ${email}.`);
    const hours = values['ttl-hours'] === undefined ? env.WOPI_TOKEN_TTL_SECONDS / 3600 : Number(values['ttl-hours']);
    if (!Number.isFinite(hours) || hours <= 0) throw new UsageError('--ttl-hours must be a positive number.');

    const { PERMISSIONS } = await import('@/lib/tokens/permissions');
    const permissions = values.permissions?.split(',').map((p) => p.trim());
    const unknown = permissions?.filter((p) => !(PERMISSIONS as readonly string[]).includes(p)) ?? [];
    if (unknown.length > 0)
      throw new UsageError(`Unknown permission(s): ${unknown.join(', ')}. Known: ${PERMISSIONS.join(', ')}.`);

    return print(
      await issueAccessToken({
        documentId: required(values.document, 'document'),
        user,
        readonly: values.readonly,
        permissions: permissions as (typeof PERMISSIONS)[number][] | undefined,
        ttlMs: hours * 3600_000,
      }),
    );
  }

  switch (`${group} ${command}`) {
    case 'users add': {
      const input = {
        email: required(values.email, 'email'),
        password: required(values.password, 'password'),
        role: required(values.role, 'role'),
        name: values.name,
      };

      return print((await usersAdmin.addUser({ input, actor: CLI_ACTOR })).user);
    }
    case 'users list':
      return print(await usersAdmin.listUsersForAdmin());
    case 'users set-role': {
      const input = { role: required(values.role, 'role') };
      const id = await usersAdmin.userIdByEmail(required(values.email, 'email'));

      return print((await usersAdmin.setUserRole({ id, input, actor: CLI_ACTOR })).user);
    }
    case 'users disable':
    case 'users enable': {
      const id = await usersAdmin.userIdByEmail(required(values.email, 'email'));
      const change = command === 'disable' ? usersAdmin.disableUser : usersAdmin.enableUser;

      return print((await change({ id, actor: CLI_ACTOR })).user);
    }
    case 'users set-password': {
      const id = await usersAdmin.userIdByEmail(required(values.email, 'email'));
      const { user, password } = await usersAdmin.resetUserPassword({
        id,
        input: { password: values.password },
        actor: CLI_ACTOR,
      });

      return print({ id: user.id, email: user.email, ...(password ? { password } : {}) });
    }
    case 'documents upload': {
      const file = rest[0];
      if (!file) throw new UsageError('documents upload needs a file path.');
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw new Error(`No such file: ${file}`);
      const mode = values['on-conflict'] ?? 'fail';
      if (!['fail', 'replace', 'rename'].includes(mode))
        throw new UsageError('--on-conflict must be fail, replace or rename.');
      const result = await uploadDocument({
        folder: values.folder ?? '',
        name: values.name ?? path.basename(file),
        body: createReadStream(file),
        userId: null,
        onConflict: mode as 'fail',
        maxBytes: env.MAX_UPLOAD_BYTES,
      });
      await (
        await import('@/lib/audit/audit')
      ).recordAudit({
        action: 'document.upload',
        outcome: 'success',
        documentId: result.id,
        details: { via: 'cli', name: result.name },
      });

      return print(result);
    }
    case 'documents list':
      return print(await listDocumentRows(values.all ? null : (values.folder ?? '')));
    case 'discovery status':
    case 'discovery refresh': {
      const { editorDiagnostics } = await import('@/lib/discovery/diagnostics');

      return print(await editorDiagnostics({ refresh: command === 'refresh' }));
    }
    case 'documents versions': {
      if (!rest[0]) throw new UsageError('documents versions needs a document id.');

      return print(await (await import('@/lib/documents/versions')).listVersions(rest[0]));
    }
    case 'documents restore-version': {
      const version = Number(rest[1]);
      if (!rest[0] || !Number.isInteger(version) || version < 1)
        throw new UsageError('documents restore-version needs a document id and a version number.');

      return print(
        await (await import('@/lib/documents/versions')).restoreVersion({ documentId: rest[0], version, userId: null }),
      );
    }
    case 'documents trash':
      return print(await (await import('@/lib/documents/trash')).listTrash());
    case 'documents restore': {
      if (!rest[0]) throw new UsageError('documents restore needs a document id.');

      return print(await (await import('@/lib/documents/trash')).restoreDocument(rest[0]));
    }
    case 'documents reconcile':
      return print(await reconcileFolder(values.folder ?? '', { force: true }));
    case 'maintenance run': {
      // One janitor run now (README "Maintenance"); skipped when another instance is running one.
      const { runJanitor } = await import('@/lib/documents/janitor');

      return print(await runJanitor({ dryRun: values['dry-run'] ?? false }));
    }
    default:
      throw new UsageError(group ? `Unknown command: ${positionals.join(' ')}` : 'No command given.');
  }
};

const main = async () => {
  let args: Args;
  try {
    args = parseArgs({ options, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);

    return 2;
  }
  if (args.values.help || args.positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);

    return args.values.help ? 0 : 2;
  }
  let services: Services | undefined;
  try {
    const env = loadEnv();
    services = await startServices({ env, kind: 'cli', attach: true });
    setRuntimeEnv({
      ...services.overrides,
      // Attached to a running portal: URLs we print (wopiSrc) point at it.
      ...(services.attachedTo?.appUrl && !env.PUBLIC_URL ? { PUBLIC_URL: services.attachedTo.appUrl } : {}),
      ...(await secretOverrides({
        dataDir: path.resolve(env.DATA_DIR),
        authSecret: env.AUTH_SECRET,
        wopiTokenSecret: env.WOPI_TOKEN_SECRET,
      })),
    });
    if (!services.attachedTo && services.overrides.DATABASE_URL) await migrateDatabase(services.overrides.DATABASE_URL);
    await run(args);

    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Error: ${message}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`);

    return error instanceof UsageError ? 2 : 1;
  } finally {
    const { disconnectDb } = await import('@/lib/db');
    await disconnectDb();
    await services?.stop();
  }
};

void main().then((code) => process.exit(code));
