import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProofKey } from '@/lib/discovery/parse';
import {
  dateFromTicks,
  proofKeyFromPublicKey,
  publicKeyFromDiscovery,
  signProof,
  ticksFromDate,
  verifyProof,
  type ProofInput,
} from '@/lib/discovery/proof-keys';

const NOW = new Date('2031-03-04T05:06:07.890Z');
const MINUTE = 60 * 1000;
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';
const URL_ = `https://portal.example/wopi/files/12345678-1234-4234-8234-123456789abc?access_token=${TOKEN}`;
const INVALID_B64 = Buffer.from('INVALID', 'utf8').toString('base64');

type Pair = { publicKey: KeyObject; privateKey: KeyObject };
const newPair = (): Pair => generateKeyPairSync('rsa', { modulusLength: 2048 });

let current: Pair;
let old: Pair;
let next: Pair;
let stranger: Pair;
/** Discovery as the host sees it: current + old. */
let discovery: ProofKey;

beforeAll(() => {
  [current, old, next, stranger] = [newPair(), newPair(), newPair(), newPair()];
  discovery = proofKeyFromPublicKey(current.publicKey, old.publicKey);
});

/** What a WOPI client sends: X-WOPI-Proof with its current key, X-WOPI-ProofOld with its old key. */
const signedRequest = ({
  signer = { current: current.privateKey, old: old.privateKey },
  accessToken = TOKEN,
  url = URL_,
  at = NOW,
}: {
  signer?: { current: KeyObject; old: KeyObject };
  accessToken?: string;
  url?: string;
  at?: Date;
} = {}): ProofInput => {
  const timestamp = ticksFromDate(at);

  return {
    accessToken,
    url,
    timestamp: timestamp.toString(),
    proof: signProof(signer.current, { accessToken, url, timestamp }),
    proofOld: signProof(signer.old, { accessToken, url, timestamp }),
    now: NOW,
  };
};

/** Microsoft's layout, written out independently of lib/discovery. */
const referencePayload = (accessToken: string, url: string, ticks: bigint) => {
  const token = Buffer.from(accessToken, 'utf8');
  const upper = Buffer.from(url.toUpperCase(), 'utf8');
  const out = Buffer.alloc(4 + token.length + 4 + upper.length + 4 + 8);
  let at = 0;
  out.writeUInt32BE(token.length, at);
  token.copy(out, (at += 4));
  out.writeUInt32BE(upper.length, (at += token.length));
  upper.copy(out, (at += 4));
  out.writeUInt32BE(8, (at += upper.length));
  out.writeBigUInt64BE(ticks, at + 4);

  return out;
};

describe('ticks', () => {
  it('the Unix epoch is 621355968000000000 .NET ticks', () => {
    expect(ticksFromDate(new Date(0))).toBe(621355968000000000n);
    expect(dateFromTicks(621355968000000000n).getTime()).toBe(0);
  });

  it('2000-01-01T00:00:00Z is 630822816000000000 ticks', () => {
    expect(ticksFromDate(new Date('2000-01-01T00:00:00Z'))).toBe(630822816000000000n);
  });

  it('round-trips at millisecond precision (sub-millisecond ticks are truncated)', () => {
    expect(dateFromTicks(ticksFromDate(NOW)).toISOString()).toBe(NOW.toISOString());
    expect(dateFromTicks(ticksFromDate(NOW) + 9999n).toISOString()).toBe(NOW.toISOString());
  });
});

describe('proof layout (independent of lib/discovery)', () => {
  it('signProof signs 4-byte length + token + 4-byte length + URL upper-cased + 4-byte 8 + int64 ticks', () => {
    const timestamp = ticksFromDate(NOW);
    const signature = signProof(current.privateKey, { accessToken: TOKEN, url: URL_, timestamp });
    const expected = referencePayload(TOKEN, URL_, timestamp);
    expect(verify('sha256', expected, current.publicKey, Buffer.from(signature, 'base64'))).toBe(true);
  });

  it('a signature over the reference layout (as the validator runner builds it) passes verifyProof', () => {
    const ticks = ticksFromDate(NOW);
    const proof = sign('sha256', referencePayload(TOKEN, URL_, ticks), current.privateKey).toString('base64');
    const proofOld = sign('sha256', referencePayload(TOKEN, URL_, ticks), old.privateKey).toString('base64');
    expect(
      verifyProof(discovery, { accessToken: TOKEN, url: URL_, timestamp: ticks.toString(), proof, proofOld, now: NOW }),
    ).toEqual({ ok: true });
  });

  it('lengths are UTF-8 byte lengths (non-ASCII token and URL)', () => {
    const accessToken = 'tökén-✓';
    const url = 'https://portal.example/wopi/files/ü?access_token=tökén-✓';
    const ticks = ticksFromDate(NOW);
    const proof = sign('sha256', referencePayload(accessToken, url, ticks), current.privateKey).toString('base64');
    expect(
      verifyProof(discovery, { accessToken, url, timestamp: ticks.toString(), proof, proofOld: null, now: NOW }),
    ).toEqual({
      ok: true,
    });
  });
});

describe('verifyProof: which key verifies', () => {
  it('X-WOPI-Proof with the current key → ok', () => {
    expect(verifyProof(discovery, signedRequest())).toEqual({ ok: true });
  });

  it('only X-WOPI-Proof, no X-WOPI-ProofOld → ok', () => {
    expect(verifyProof(discovery, { ...signedRequest(), proofOld: null })).toEqual({ ok: true });
  });

  it('X-WOPI-ProofOld with the current key (client rotated, our discovery is behind) → ok', () => {
    const request = signedRequest({ signer: { current: next.privateKey, old: current.privateKey } });
    expect(verifyProof(discovery, request)).toEqual({ ok: true });
  });

  it('X-WOPI-Proof with the old key (our discovery rotated, the client is behind) → ok', () => {
    const rotated = proofKeyFromPublicKey(next.publicKey, current.publicKey);
    const request = signedRequest({ signer: { current: current.privateKey, old: old.privateKey } });
    expect(verifyProof(rotated, request)).toEqual({ ok: true });
  });

  it('validator KeyRelation=Behind (Proof carries the old-key signature, ProofOld invalid) → ok', () => {
    const request = signedRequest();
    expect(verifyProof(discovery, { ...request, proof: request.proofOld, proofOld: INVALID_B64 })).toEqual({
      ok: true,
    });
  });

  it('validator KeyRelation=Ahead (ProofOld carries the current signature, Proof invalid) → ok', () => {
    const request = signedRequest();
    expect(verifyProof(discovery, { ...request, proof: INVALID_B64, proofOld: request.proof })).toEqual({ ok: true });
  });

  it('X-WOPI-ProofOld with the old key alone is not one of the accepted combinations → mismatch', () => {
    const request = signedRequest();
    expect(verifyProof(discovery, { ...request, proof: INVALID_B64 })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('both proofs from an unknown key → mismatch', () => {
    const request = signedRequest({ signer: { current: stranger.privateKey, old: stranger.privateKey } });
    expect(verifyProof(discovery, request)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('discovery without old key: the current key still verifies, an old-key proof does not', () => {
    const currentOnly = proofKeyFromPublicKey(current.publicKey);
    expect(currentOnly).not.toHaveProperty('oldModulus');
    expect(verifyProof(currentOnly, signedRequest())).toEqual({ ok: true });
    const behind = signedRequest({ signer: { current: old.privateKey, old: old.privateKey } });
    expect(verifyProof(currentOnly, behind)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('an unusable modulus in discovery → mismatch, never a throw', () => {
    const broken: ProofKey = { modulus: 'bm90IGEga2V5', exponent: 'AQAB', oldModulus: '', oldExponent: '' };
    expect(verifyProof(broken, signedRequest())).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('verifyProof: what is signed', () => {
  it('the URL is compared upper-cased', () => {
    const request = signedRequest();
    expect(verifyProof(discovery, { ...request, url: request.url.toUpperCase() })).toEqual({ ok: true });
  });

  it('another access_token in the URL → mismatch', () => {
    const request = signedRequest();
    const url = URL_.replace(TOKEN, `${TOKEN}x`);
    expect(verifyProof(discovery, { ...request, url })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('another path → mismatch', () => {
    const request = signedRequest();
    const url = URL_.replace('/wopi/files/', '/wopi/files/other-');
    expect(verifyProof(discovery, { ...request, url })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('another access token (the signed token is not the one presented) → mismatch', () => {
    expect(verifyProof(discovery, { ...signedRequest(), accessToken: 'other' })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('X-WOPI-TimeStamp changed after signing → mismatch', () => {
    const request = signedRequest();
    const timestamp = (BigInt(request.timestamp!) + 1n).toString();
    expect(verifyProof(discovery, { ...request, timestamp })).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('verifyProof: timestamp window', () => {
  it('21 minutes old → stale', () => {
    expect(verifyProof(discovery, signedRequest({ at: new Date(NOW.getTime() - 21 * MINUTE) }))).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('exactly 20 minutes old → ok', () => {
    expect(verifyProof(discovery, signedRequest({ at: new Date(NOW.getTime() - 20 * MINUTE) }))).toEqual({ ok: true });
  });

  it('6 minutes in the future → future', () => {
    expect(verifyProof(discovery, signedRequest({ at: new Date(NOW.getTime() + 6 * MINUTE) }))).toEqual({
      ok: false,
      reason: 'future',
    });
  });

  it('4 minutes in the future (clock skew) → ok', () => {
    expect(verifyProof(discovery, signedRequest({ at: new Date(NOW.getTime() + 4 * MINUTE) }))).toEqual({ ok: true });
  });

  it('a forged proof with a stale timestamp → mismatch (the signature is checked first)', () => {
    const request = signedRequest({ at: new Date(NOW.getTime() - 60 * MINUTE) });
    expect(verifyProof(discovery, { ...request, proof: INVALID_B64, proofOld: INVALID_B64 })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });
});

describe('verifyProof: missing and malformed headers', () => {
  it('no X-WOPI-TimeStamp → missing', () => {
    expect(verifyProof(discovery, { ...signedRequest(), timestamp: null })).toEqual({ ok: false, reason: 'missing' });
    expect(verifyProof(discovery, { ...signedRequest(), timestamp: '' })).toEqual({ ok: false, reason: 'missing' });
  });

  it('neither X-WOPI-Proof nor X-WOPI-ProofOld → missing', () => {
    expect(verifyProof(discovery, { ...signedRequest(), proof: null, proofOld: null })).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(verifyProof(discovery, { ...signedRequest(), proof: ' ', proofOld: '' })).toEqual({
      ok: false,
      reason: 'missing',
    });
  });

  it.each(['abc', '-1', '1.5', '99999999999999999999', '9223372036854775808'])(
    'X-WOPI-TimeStamp %s → malformed',
    (timestamp) => {
      expect(verifyProof(discovery, { ...signedRequest(), timestamp })).toEqual({ ok: false, reason: 'malformed' });
    },
  );

  it('proof headers that are not base64 → malformed', () => {
    expect(verifyProof(discovery, { ...signedRequest(), proof: '%%%not base64%%%', proofOld: null })).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('garbage in X-WOPI-Proof does not hide a valid X-WOPI-ProofOld', () => {
    const request = signedRequest({ signer: { current: next.privateKey, old: current.privateKey } });
    expect(verifyProof(discovery, { ...request, proof: '%%%' })).toEqual({ ok: true });
  });

  it('valid base64 that is not a signature → mismatch', () => {
    expect(verifyProof(discovery, { ...signedRequest(), proof: INVALID_B64, proofOld: INVALID_B64 })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });
});

describe('proofKeyFromPublicKey / publicKeyFromDiscovery', () => {
  it('publishes modulus and exponent as big-endian base64 and a CAPI PUBLICKEYBLOB value', () => {
    const key = proofKeyFromPublicKey(current.publicKey, old.publicKey);
    const jwk = current.publicKey.export({ format: 'jwk' });
    expect(Buffer.from(key.modulus, 'base64').equals(Buffer.from(jwk.n!, 'base64url'))).toBe(true);
    expect(key.exponent).toBe('AQAB');
    const blob = Buffer.from(key.value!, 'base64');
    expect(blob.subarray(0, 12).toString('hex')).toBe('0602000000a4000052534131'); // PUBLICKEYBLOB, CALG_RSA_KEYX, 'RSA1'
    expect(blob.readUInt32LE(12)).toBe(2048);
    expect(blob.readUInt32LE(16)).toBe(65537);
    expect(Buffer.from(blob.subarray(20)).reverse().equals(Buffer.from(key.modulus, 'base64'))).toBe(true);
    expect(key.oldValue).toBeTruthy();
  });

  it('accepts a private key and publishes only its public half', () => {
    expect(proofKeyFromPublicKey(current.privateKey)).toEqual(proofKeyFromPublicKey(current.publicKey));
  });

  it('round-trips: discovery modulus/exponent rebuild the same public key', () => {
    const rebuilt = publicKeyFromDiscovery(proofKeyFromPublicKey(current.publicKey));
    const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
    expect(spki(rebuilt).equals(spki(createPublicKey(current.privateKey)))).toBe(true);
  });

  it('tolerates a leading zero byte on the modulus', () => {
    const key = proofKeyFromPublicKey(current.publicKey);
    const padded = Buffer.concat([Buffer.from([0]), Buffer.from(key.modulus, 'base64')]).toString('base64');
    expect(verifyProof({ ...key, modulus: padded }, signedRequest())).toEqual({ ok: true });
  });
});
