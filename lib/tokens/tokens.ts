import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { env } from '@/lib/env';
import { PERMISSIONS, type Permission } from '@/lib/tokens/permissions';

export const DEFAULT_TOKEN_TTL_MS = 10 * 60 * 60 * 1000;
const AUDIENCE = 'wopi';
const ISSUER = 'wopi-portal';

/** The editor products whose wire habits differ (UTF-7 names, headers); see lib/discovery/product.ts. */
export const EDITOR_PRODUCTS = ['collabora', 'onlyoffice', 'microsoft'] as const;
export type EditorProduct = (typeof EDITOR_PRODUCTS)[number];

export type AccessTokenClaims = {
  documentId: string;
  userId: string;
  permissions: Permission[];
  /** Milliseconds since the epoch, as WOPI's access_token_ttl. */
  expiresAt: number;
  /** Unique per token: "an open from a new token" is audited once. */
  tokenId: string;
  /** The editor (WOPI_CLIENTS name) the token was minted for: its proof keys are checked. */
  client?: string;
  /** Which product that editor is (from its discovery), when known. */
  editor?: EditorProduct;
};

const payloadSchema = z.object({
  sub: z.string().min(1),
  doc: z.string().min(1),
  perm: z.array(z.enum(PERMISSIONS)),
  exp: z.number(),
  jti: z.string().min(1),
  cli: z.string().min(1).optional(),
  edt: z.enum(EDITOR_PRODUCTS).optional(),
});

let cachedKey: { secret: string; key: KeyObject } | undefined;

/** The HMAC key, imported once per secret (jose would otherwise import raw bytes on every call). */
const key = () => {
  const secret = env.WOPI_TOKEN_SECRET;
  if (!secret) throw new Error('WOPI_TOKEN_SECRET is not set (npm start generates one in DATA_DIR).');
  if (cachedKey?.secret !== secret) cachedKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };

  return cachedKey.key;
};

type MintInput = {
  documentId: string;
  userId: string;
  permissions: readonly Permission[];
  ttlMs?: number;
  now?: number;
  notAfter?: number;
  client?: string;
  editor?: EditorProduct;
};

/**
 * An HMAC-SHA256 signed JWT scoped to one document, one user and a permission set. `notAfter`
 * caps the expiry (a token minted for a new document never outlives the caller's own).
 */
export const mintAccessToken = async ({
  documentId,
  userId,
  permissions,
  ttlMs = DEFAULT_TOKEN_TTL_MS,
  now = Date.now(),
  notAfter,
  client,
  editor,
}: MintInput) => {
  const expiresAtSeconds = Math.floor(Math.min(now + ttlMs, notAfter ?? Infinity) / 1000);
  const token = await new SignJWT({
    doc: documentId,
    perm: [...new Set(permissions)],
    ...(client ? { cli: client } : {}),
    ...(editor ? { edt: editor } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setAudience(AUDIENCE)
    .setIssuer(ISSUER)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(expiresAtSeconds)
    .setJti(crypto.randomUUID())
    .sign(key());

  return { token, expiresAt: expiresAtSeconds * 1000 };
};

/** The JOSE header jose writes for our tokens ({"alg":"HS256"}), base64url: the only one we accept. */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');

const parseJson = (segment: string): unknown => {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
};

const claimsSchema = payloadSchema.extend({
  aud: z.union([z.literal(AUDIENCE), z.array(z.string()).refine((list) => list.includes(AUDIENCE))]),
  iss: z.literal(ISSUER),
  nbf: z.number().optional(),
});

/**
 * The claims of a valid token, or null for a missing, malformed, tampered or expired one (RFC
 * 7519 / RFC 7515 HS256, as `mintAccessToken` writes them with jose). Verified on every WOPI
 * request, so it is synchronous work: one HMAC-SHA256 with the cached key (node:crypto), the
 * signature compared in constant time (`timingSafeEqual`) against its canonical base64url form
 * (non-canonical encodings are refused), then exp/nbf (no clock tolerance), aud, iss and our
 * claims. Only the header `{"alg":"HS256"}` is accepted (no "none", no other algorithm).
 */
export const verifyAccessToken = (
  token: string | null | undefined,
  now = Date.now(),
): Promise<AccessTokenClaims | null> => Promise.resolve(verifyNow(token, now));

const verifyNow = (token: string | null | undefined, now: number): AccessTokenClaims | null => {
  if (!token || token.length > 4096) return null;
  const [header, payload, signature, extra] = token.split('.');
  if (header !== HEADER || !payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(createHmac('sha256', key()).update(`${header}.${payload}`).digest('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const parsed = claimsSchema.safeParse(parseJson(payload));
  if (!parsed.success) return null;
  const seconds = now / 1000;
  if (parsed.data.exp <= seconds || (parsed.data.nbf !== undefined && parsed.data.nbf > seconds)) return null;

  return {
    documentId: parsed.data.doc,
    userId: parsed.data.sub,
    permissions: parsed.data.perm,
    expiresAt: parsed.data.exp * 1000,
    tokenId: parsed.data.jti,
    client: parsed.data.cli,
    editor: parsed.data.edt,
  };
};
