import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { ProofKey } from '@/lib/discovery/parse';

// WOPI proof keys (X-WOPI-Proof, X-WOPI-ProofOld, X-WOPI-TimeStamp):
// https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/online/scenarios/proofkeys

/** .NET ticks (100 ns since 0001-01-01) at the Unix epoch. */
const TICKS_AT_UNIX_EPOCH = 621355968000000000n;
const TICKS_PER_MS = 10000n;
const INT64_MAX = 9223372036854775807n;
const MAX_AGE_MS = 20 * 60 * 1000;
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export const ticksFromDate = (date: Date): bigint => BigInt(date.getTime()) * TICKS_PER_MS + TICKS_AT_UNIX_EPOCH;

export const dateFromTicks = (ticks: bigint): Date => new Date(Number((ticks - TICKS_AT_UNIX_EPOCH) / TICKS_PER_MS));

export type ProofInput = {
  accessToken: string;
  /** The full request URL as the WOPI client called it (public origin, path and query string). */
  url: string;
  /** X-WOPI-TimeStamp */
  timestamp: string | null;
  /** X-WOPI-Proof */
  proof: string | null;
  /** X-WOPI-ProofOld */
  proofOld: string | null;
  now: Date;
};

export type ProofResult =
  { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'future' | 'mismatch' | 'malformed' };

const int32be = (n: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(n);

  return bytes;
};

/** length + access token (UTF-8) + length + URL in upper case (UTF-8) + length (8) + timestamp (int64, big-endian). */
const expectedProof = ({ accessToken, url, timestamp }: { accessToken: string; url: string; timestamp: bigint }) => {
  const token = Buffer.from(accessToken, 'utf8');
  const upperUrl = Buffer.from(url.toUpperCase(), 'utf8');
  const ticks = Buffer.alloc(8);
  ticks.writeBigInt64BE(timestamp);

  return Buffer.concat([int32be(token.length), token, int32be(upperUrl.length), upperUrl, int32be(8), ticks]);
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const decodeBase64 = (value: string | null): Buffer | null => {
  const trimmed = value?.trim();

  return trimmed && BASE64.test(trimmed) ? Buffer.from(trimmed, 'base64') : null;
};

/** An RSA public key from discovery's base64, big-endian modulus and exponent. */
export const publicKeyFromDiscovery = ({ modulus, exponent }: { modulus: string; exponent: string }): KeyObject => {
  const toJwk = (base64: string) => {
    const bytes = Buffer.from(base64.trim(), 'base64');
    const first = bytes.findIndex((byte) => byte !== 0);

    return (first === -1 ? bytes : bytes.subarray(first)).toString('base64url');
  };

  return createPublicKey({ key: { kty: 'RSA', n: toJwk(modulus), e: toJwk(exponent) }, format: 'jwk' });
};

const safePublicKey = (modulus: string | undefined, exponent: string | undefined): KeyObject | null => {
  if (!modulus || !exponent) return null;
  try {
    return publicKeyFromDiscovery({ modulus, exponent });
  } catch {
    return null;
  }
};

const isSignedBy = (data: Buffer, signature: Buffer | null, key: KeyObject | null): boolean => {
  if (!signature || !key) return false;
  try {
    return verify('sha256', data, key, signature);
  } catch {
    return false;
  }
};

/**
 * Checks a WOPI request's proof headers against the discovery keys. Passes when X-WOPI-Proof
 * verifies with the current key, X-WOPI-ProofOld with the current key, or X-WOPI-Proof with the
 * old key (either side may have rotated). A verified timestamp must be at most 20 minutes old
 * and at most 5 minutes ahead of `now`. Never throws.
 */
export const verifyProof = (key: ProofKey, input: ProofInput): ProofResult => {
  const timestampText = input.timestamp?.trim();
  if (!timestampText || (!input.proof?.trim() && !input.proofOld?.trim())) return { ok: false, reason: 'missing' };
  if (!/^\d{1,19}$/.test(timestampText) || BigInt(timestampText) > INT64_MAX) return { ok: false, reason: 'malformed' };
  const timestamp = BigInt(timestampText);

  const proof = decodeBase64(input.proof);
  const proofOld = decodeBase64(input.proofOld);
  if (!proof && !proofOld) return { ok: false, reason: 'malformed' };

  const current = safePublicKey(key.modulus, key.exponent);
  const old = safePublicKey(key.oldModulus, key.oldExponent);
  const data = expectedProof({ accessToken: input.accessToken, url: input.url, timestamp });
  const isAuthentic =
    isSignedBy(data, proof, current) || isSignedBy(data, proofOld, current) || isSignedBy(data, proof, old);
  if (!isAuthentic) return { ok: false, reason: 'mismatch' };

  const ageMs = input.now.getTime() - dateFromTicks(timestamp).getTime();
  if (ageMs > MAX_AGE_MS) return { ok: false, reason: 'stale' };
  if (-ageMs > MAX_CLOCK_SKEW_MS) return { ok: false, reason: 'future' };

  return { ok: true };
};

/** The X-WOPI-Proof value a WOPI client would send (RSA PKCS#1 v1.5, SHA-256, base64). */
export const signProof = (
  privateKey: KeyObject,
  input: { accessToken: string; url: string; timestamp: bigint },
): string => sign('sha256', expectedProof(input), privateKey).toString('base64');

/** Microsoft CAPI PUBLICKEYBLOB (little-endian), the `value`/`oldvalue` attribute of `<proof-key>`. */
const capiPublicKeyBlob = (modulus: Buffer, exponent: Buffer) => {
  const header = Buffer.alloc(20);
  header.writeUInt8(0x06, 0); // PUBLICKEYBLOB
  header.writeUInt8(0x02, 1); // CUR_BLOB_VERSION
  header.writeUInt32LE(0xa400, 4); // CALG_RSA_KEYX
  header.write('RSA1', 8, 'ascii');
  header.writeUInt32LE(modulus.length * 8, 12);
  header.writeUInt32LE(exponent.readUIntBE(0, Math.min(exponent.length, 4)), 16);

  return Buffer.concat([header, Buffer.from(modulus).reverse()]).toString('base64');
};

const describeKey = (key: KeyObject) => {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('Proof keys must be RSA keys');
  const modulus = Buffer.from(jwk.n, 'base64url');
  const exponent = Buffer.from(jwk.e, 'base64url');

  return {
    modulus: modulus.toString('base64'),
    exponent: exponent.toString('base64'),
    value: capiPublicKeyBlob(modulus, exponent),
  };
};

/** The `<proof-key>` attributes for RSA keys (public, or private ones whose public half is used). */
export const proofKeyFromPublicKey = (current: KeyObject, old?: KeyObject): ProofKey => {
  const now = describeKey(current);
  if (!old) return now;
  const before = describeKey(old);

  return { ...now, oldModulus: before.modulus, oldExponent: before.exponent, oldValue: before.value };
};
