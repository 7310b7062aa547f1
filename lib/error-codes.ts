/**
 * Every error code the portal's API answers with (`{ error: { code, message } }`), with the
 * `details` each may carry. DomainError, ApiError and their constructors take only these codes,
 * so a new code cannot be thrown before it is registered here; tests/unit/api/error-messages
 * checks that each has a message under `apiErrors.<code>` in English, German and French and that
 * those messages use no ICU parameter outside the code's details. The API edge
 * (lib/api/localized-error.ts) formats the message in the request's language from these details.
 */

// A zod refusal (lib/validation-details.ts): which rule the first issue broke, on which field.
// `unit`: 'bytes' when `bound` counts UTF-8 bytes (a password), else absent (characters).
// `expected` / `received`: the type asked for and the JSON type sent (rule `type`).
const VALIDATION = ['rule', 'field', 'bound', 'unit', 'values', 'problem', 'expected', 'received'] as const;
// Why a name is refused (lib/names.ts nameIssue).
const NAME = ['rule', 'char', 'codePoint', 'bytes', 'maxBytes', 'reserved'] as const;

export const ERROR_CODES = {
  invalid_request: VALIDATION,
  invalid_user: VALIDATION,
  invalid_password: VALIDATION,
  invalid_locale: VALIDATION,
  invalid_filter: VALIDATION,
  invalid_search: VALIDATION,
  invalid_json: [],
  invalid_cursor: [],
  invalid_limit: ['max'],
  invalid_text: ['where'],
  invalid_ttl: [],
  invalid_name: NAME,
  invalid_folder: [...NAME, 'segment', 'maxDepth'],
  invalid_destination: ['what'],
  wrong_password: [],
  empty_body: [],
  body_size_mismatch: ['what', 'declared', 'received'],
  unauthorized: [],
  forbidden: ['what'],
  cross_site_request: ['reason'],
  not_found: ['what', 'id', 'version', 'email', 'path', 'name'],
  name_conflict: ['what', 'name', 'folder', 'suggestion'],
  locked: ['what', 'name', 'names', 'count', 'documents'],
  folder_busy: ['path'],
  // Delete forever met documents another operation holds (lib/documents/trash.ts purgeTrashEntry).
  trash_entry_busy: ['name', 'purged', 'left'],
  user_exists: ['email'],
  last_admin: ['email'],
  no_editor: ['kind'],
  too_large: ['what', 'limit'],
  // An /api path asked with a method its route does not serve (lib/server/api-errors.ts methodNotAllowedAnswer).
  method_not_allowed: ['method', 'allow'],
  // Refused by node:http before any route (lib/server/api-errors.ts onClientError): 431, 400, 408.
  header_too_large: [],
  malformed_request: [],
  request_timeout: [],
  // An unsatisfiable Range on GET /api/documents/:id/inline (lib/api/documents/byte-range.ts): 416.
  range_not_satisfiable: ['size'],
  unsupported_media_type: ['what'],
  too_many_attempts: ['retryAfterSeconds'],
  database_unavailable: ['retryAfterSeconds'],
  storage_unavailable: ['retryAfterSeconds'],
  editor_unavailable: [],
  internal: ['requestId'],
} as const satisfies Record<string, readonly string[]>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The details `code` may carry (each optional; a message's `select` says which it needs). */
export type ErrorDetails<C extends ErrorCode = ErrorCode> = Partial<Record<(typeof ERROR_CODES)[C][number], unknown>>;

/** Detail values that are byte counts: messages show them as sizes in the reader's language (64 KB, 64 Ko). */
export const SIZE_DETAILS: ReadonlySet<string> = new Set(['limit']);
/**
 * Detail values that are folder paths shown as a place: the top folder ('') by its name in the
 * reader's language, any other quoted as that language quotes ("a/b", „a/b“, « a/b »).
 */
export const FOLDER_DETAILS: ReadonlySet<string> = new Set(['folder']);

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
