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
import { loadEnv, MAX_WOPI_TOKEN_TTL_SECONDS, setRuntimeEnv } from '@/lib/env';

const MAX_TOKEN_TTL_HOURS = MAX_WOPI_TOKEN_TTL_SECONDS / 3600;

const USAGE = `Usage: npm run cli -- <command> [options]

  users add --email E --password P --role admin|editor|viewer [--name N]
  users list
  users set-role --email E --role admin|editor|viewer
  users disable --email E | users enable --email E
  users set-password --email E [--password P]   (without --password: a generated one, printed once)
  documents upload <path> [--name N] [--folder F] [--on-conflict fail|replace|rename]
  documents list [--folder F] [--all]
  documents reconcile [--folder F] [--unopened]   (--unopened: F and every folder below it nobody has opened)
  documents versions <id>
  documents restore-version <id> <version>
  documents rename <id> <new name> [--on-conflict fail|rename]
  documents move <id> --to F [--on-conflict fail|rename]
  documents copy <id> --to F [--name N] [--on-conflict fail|rename]
  documents delete <id>                          (to the trash)
  documents trash
  documents restore <id>
  folders list [--folder F]
  folders create <path> [--on-conflict fail|rename]
  folders rename <path> <new name> [--on-conflict fail|rename|merge]
  folders move <path> --to F [--on-conflict fail|rename|merge]
  folders copy <path> --to F [--name N] [--on-conflict fail|rename|merge]
  folders delete <path>                          (its documents to the trash, as one entry)
  discovery status | discovery refresh
  maintenance run [--dry-run]
  token --document ID --user EMAIL [--readonly | --permissions read,write,rename,delete,create] [--ttl-hours H]

Output is JSON. Exit codes: 0 done; 1 refused or failed (the reason on stderr: a name taken, a
document open for editing, not found…); 2 usage; 3 a folder operation finished but left some
documents where they were (listed in "skipped": opened for editing meanwhile, or a name taken
with --on-conflict merge). A folder rename or move cut short is finished by running it again
with --on-conflict merge. "F" is a folder path such as Reports/2026 ("" is the top).
Configuration comes from the environment (see .env.example).`;

/** `<group> --help`: that group's lines of USAGE. */
const groupUsage = (group: string) =>
  USAGE.split('\n')
    .filter((line) => line.startsWith(`  ${group} `))
    .join('\n');

class UsageError extends Error {}

/** A folder operation that finished but left documents in place (exit code 3). */
class PartialError extends Error {}

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
  unopened: { type: 'boolean' },
  to: { type: 'string' },
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
    const hours = values['ttl-hours'] === undefined ? env.WOPI_TOKEN_TTL_SECONDS / 3600 : Number(values['ttl-hours']);
    // As WOPI_TOKEN_TTL_SECONDS (lib/env.ts): the janitor forgets token uses after that ceiling.
    if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_TOKEN_TTL_HOURS)
      throw new UsageError(`--ttl-hours must be a number of hours in (0, ${MAX_TOKEN_TTL_HOURS}].`);
    const user = await findUserByEmail(email);
    if (!user) throw new Error(`No user with email ${email}.`);

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
    case 'documents trash': {
      const { listTrash, TRASH_PAGE_MAX } = await import('@/lib/documents/trash');
      const entries = [];
      for (let cursor: string | undefined; ;) {
        const page = await listTrash({ cursor, limit: TRASH_PAGE_MAX });
        entries.push(...page.entries);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }

      return print(entries);
    }
    case 'documents restore': {
      if (!rest[0]) throw new UsageError('documents restore needs a document id.');

      return print(await (await import('@/lib/documents/trash')).restoreDocument(rest[0]));
    }
    case 'documents rename':
    case 'documents move':
    case 'documents copy':
    case 'documents delete':
      return print(await runDocumentCommand(command!, rest, values));
    case 'folders list':
    case 'folders create':
    case 'folders rename':
    case 'folders move':
    case 'folders copy':
    case 'folders delete': {
      const report = await runFolderCommand(command!, rest, values);
      print(report);
      if ('skipped' in report && Array.isArray(report.skipped) && report.skipped.length > 0)
        throw new PartialError(`${report.skipped.length} document(s) were left where they were (see "skipped").`);

      return;
    }
    case 'documents reconcile': {
      if (!values.unopened) return print(await reconcileFolder(values.folder ?? '', { force: true }));
      const { syncUnopenedFolders } = await import('@/lib/documents/reconcile');

      return print(await syncUnopenedFolders({ under: values.folder ?? '' }));
    }
    case 'maintenance run': {
      // One janitor run now (README "Maintenance"); skipped when another instance is running one.
      const { runJanitor } = await import('@/lib/documents/janitor');

      return print(await runJanitor({ dryRun: values['dry-run'] ?? false }));
    }
    default:
      throw new UsageError(group ? `Unknown command: ${positionals.join(' ')}` : 'No command given.');
  }
};

const conflictMode = <T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined => {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--on-conflict must be ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}.`);

  return value as T;
};

/** --to: a folder path, where "" (the top folder) is a value, not a missing one. */
const destination = (value: string | undefined) => {
  if (value === undefined) throw new UsageError('--to is required (a folder path; "" for the top folder).');

  return value;
};

const positional = (rest: string[], index: number, what: string) => {
  const value = rest[index];
  if (value === undefined) throw new UsageError(`Missing ${what}.`);

  return value;
};

/** documents rename|move|copy|delete, acting as the CLI (all rights, no user). */
const runDocumentCommand = async (command: string, rest: string[], values: Args['values']) => {
  const files = await import('@/lib/documents/file-actions');
  const actor = files.CLI_FILE_ACTOR;
  const id = positional(rest, 0, 'the document id');
  const onConflict = conflictMode(values['on-conflict'], ['fail', 'rename'] as const);
  if (command === 'rename')
    return files.renameDocument({ id, name: positional(rest, 1, 'the new name'), actor, onConflict });
  if (command === 'move') return files.moveDocument({ id, folder: destination(values.to), actor, onConflict });
  if (command === 'copy')
    return files.copyDocumentTo({ id, folder: destination(values.to), name: values.name, actor, onConflict });

  return files.deleteDocument({ id, actor });
};

/** folders list|create|rename|move|copy|delete, acting as the CLI. */
const runFolderCommand = async (command: string, rest: string[], values: Args['values']) => {
  const folders = await import('@/lib/documents/folder-actions');
  const { CLI_FILE_ACTOR: actor } = await import('@/lib/documents/file-actions');
  if (command === 'list') return folders.listFolders(values.folder ?? '');
  const path = positional(rest, 0, 'the folder path');
  if (command === 'create') {
    const parsed = folders.parseFolderPath(path);
    const slash = parsed.lastIndexOf('/');
    const onConflict = conflictMode(values['on-conflict'], ['fail', 'rename'] as const);

    return folders.createFolder({
      parent: parsed.slice(0, Math.max(slash, 0)),
      name: parsed.slice(slash + 1),
      actor,
      onConflict,
    });
  }
  const onConflict = conflictMode(values['on-conflict'], ['fail', 'rename', 'merge'] as const);
  if (command === 'rename')
    return folders.renameFolder({ path, name: positional(rest, 1, 'the new name'), actor, onConflict });
  if (command === 'move') return folders.moveFolder({ path, to: destination(values.to), actor, onConflict });
  if (command === 'copy')
    return folders.copyFolder({ path, to: destination(values.to), name: values.name, actor, onConflict });

  return folders.deleteFolder({ path, actor });
};

const main = async () => {
  let args: Args;
  try {
    args = parseArgs({ options, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);

    return 2;
  }
  if (args.values.help && args.positionals[0] && groupUsage(args.positionals[0])) {
    process.stdout.write(`Usage: npm run cli -- <command> [options]\n\n${groupUsage(args.positionals[0])}\n`);

    return 0;
  }
  if (args.values.help || args.positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);

    return args.values.help ? 0 : 2;
  }
  let services: Services | undefined;
  try {
    const env = loadEnv();
    // Its lines (waiting for a portal still starting, an embedded server restarted) go to stderr.
    services = await startServices({
      env,
      kind: 'cli',
      attach: true,
      log: (line) => process.stderr.write(`${line}\n`),
    });
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
    await services.markReady();
    await run(args);

    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Error: ${message}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`);

    return error instanceof UsageError ? 2 : error instanceof PartialError ? 3 : 1;
  } finally {
    const { disconnectDb } = await import('@/lib/db');
    await disconnectDb();
    await services?.stop();
  }
};

void main().then((code) => process.exit(code));
