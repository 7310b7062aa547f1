import { isSystemAction, KNOWN_AUDIT_ACTIONS } from '@/lib/audit/actions';

/** What the audit page shows for an event's user, document and details (no database here). */
type EventShape = {
  action: string;
  userId: string | null;
  userEmail: string | null;
  documentId: string | null;
  documentName: string | null;
  documentFolder: string | null;
  isDocumentDeleted: boolean;
  details: unknown;
};

const KNOWN = new Set<string>(KNOWN_AUDIT_ACTIONS.map((entry) => entry.action));

/** The messages key of a known action (`audit.actions.wopi_save`), or undefined for actions the code does not know (yet). */
export const actionMessageKey = (action: string) => (KNOWN.has(action) ? action.replace(/\./g, '_') : undefined);

/** The messages key of an action group (`audit.groups.editors_wopi`). */
export const groupMessageKey = (group: string) =>
  group
    .replace(/[^a-zA-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();

const detailString = (details: unknown, key: string) => {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return undefined;
  const value = (details as Record<string, unknown>)[key];

  return typeof value === 'string' && value ? value : undefined;
};

/**
 * Who acted: their email now; else a removed account, the email a sign-in with an unknown email
 * typed, a command run from a shell (`via: "cli"`), or the system itself (maintenance). Emails in details name the target of user changes, not the actor.
 */
export type UserLabel =
  | { kind: 'known'; email: string }
  | { kind: 'removed' }
  | { kind: 'typed'; email: string }
  | { kind: 'cli' }
  | { kind: 'system' }
  | { kind: 'none' };

export const userLabel = (event: EventShape): UserLabel => {
  if (event.userEmail) return { kind: 'known', email: event.userEmail };
  if (event.userId) return { kind: 'removed' };
  // A sign-in with an email no account has: the email as typed (lib/auth/sign-in-audit.ts).
  const typed = event.action === 'auth.sign_in' ? detailString(event.details, 'email') : undefined;
  if (typed) return { kind: 'typed', email: typed };
  if (detailString(event.details, 'via') === 'cli') return { kind: 'cli' };

  return { kind: isSystemAction(event.action) ? 'system' : 'none' };
};

export type DocumentLabel =
  | { kind: 'folder'; name: string; folder: string }
  | { kind: 'trash'; name: string }
  | { kind: 'gone'; name: string }
  | { kind: 'none' };

/**
 * The document: a link to its folder while it exists, "in the trash" while deleted, and the name
 * the event recorded once it is gone (purged: the event's document id was cleared).
 */
export const documentLabel = (event: EventShape): DocumentLabel => {
  if (event.documentName !== null && event.documentFolder !== null) {
    return event.isDocumentDeleted
      ? { kind: 'trash', name: event.documentName }
      : { kind: 'folder', name: event.documentName, folder: event.documentFolder };
  }
  const recorded = detailString(event.details, 'name') ?? detailString(event.details, 'to');

  return recorded ? { kind: 'gone', name: recorded } : { kind: 'none' };
};

const SUMMARY_MAX = 64;

const short = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value === 'object') return '{…}';
  // JSON values only: strings, numbers and booleans are left.
  const text = typeof value === 'string' ? value : JSON.stringify(value);

  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

/** One line for the collapsed details: "version: 3 · size: 1024", cut at 64 characters. */
export const detailsSummary = (details: unknown) => {
  if (details === null || details === undefined) return '';
  if (typeof details !== 'object' || Array.isArray(details)) return short(details);
  const line = Object.entries(details as Record<string, unknown>)
    .map(([key, value]) => `${key}: ${short(value)}`)
    .join(' · ');

  return line.length > SUMMARY_MAX ? `${line.slice(0, SUMMARY_MAX - 1)}…` : line;
};

/** The details as indented JSON, for reading. */
export const detailsJson = (details: unknown) => JSON.stringify(details, null, 2);
