import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDiscovery } from '@/lib/discovery/parse';
import { proofKeyFromPublicKey, signProof, ticksFromDate, verifyProof } from '@/lib/discovery/proof-keys';

// Interop with what a WOPI client publishes and sends, built here from Microsoft's documented
// formats without lib/discovery's help: the discovery <proof-key> element (CAPI PUBLICKEYBLOB plus
// base64 big-endian modulus/exponent) and the signed proof payload.
// https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/online/scenarios/proofkeys

const NOW = new Date('2031-03-04T05:06:07.890Z');
const MINUTE = 60 * 1000;
const TOKEN = 'interop-token.eyJzdWIiOiJ1In0';
const URL_ = `http://127.0.0.1:3000/wopi/files/4f9c1a2e-0000-4000-8000-000000000001/contents?access_token=${TOKEN}`;

type Pair = { publicKey: KeyObject; privateKey: KeyObject };
let current: Pair;
let old: Pair;
let element: string;

/** Big-endian modulus and exponent bytes of an RSA public key. */
const rsaNumbers = (key: KeyObject) => {
  const { n, e } = key.export({ format: 'jwk' });

  return { modulus: Buffer.from(n!, 'base64url'), exponent: Buffer.from(e!, 'base64url') };
};

/**
 * Microsoft CAPI PUBLICKEYBLOB: BLOBHEADER (bType PUBLICKEYBLOB 0x06, bVersion 0x02, reserved
 * 0x0000, aiKeyAlg CALG_RSA_KEYX 0x0000a400), RSAPUBKEY (magic "RSA1", bitlen, pubexp), then the
 * modulus; every number little-endian.
 */
const capiBlob = (key: KeyObject) => {
  const { modulus, exponent } = rsaNumbers(key);
  const pubexp = Buffer.alloc(4);
  exponent.copy(pubexp, 4 - exponent.length); // big-endian, right-aligned in 4 bytes
  const littleEndian32 = (n: number) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(n);

    return bytes;
  };

  return Buffer.concat([
    Buffer.from([0x06, 0x02, 0x00, 0x00]),
    Buffer.from([0x00, 0xa4, 0x00, 0x00]),
    Buffer.from('RSA1', 'ascii'),
    littleEndian32(modulus.length * 8),
    Buffer.from(pubexp).reverse(),
    Buffer.from(modulus).reverse(),
  ]).toString('base64');
};

const proofKeyElement = (now: KeyObject, before: KeyObject) => {
  const a = rsaNumbers(now);
  const b = rsaNumbers(before);

  return (
    `<proof-key oldvalue="${capiBlob(before)}" oldmodulus="${b.modulus.toString('base64')}" ` +
    `oldexponent="${b.exponent.toString('base64')}" value="${capiBlob(now)}" ` +
    `modulus="${a.modulus.toString('base64')}" exponent="${a.exponent.toString('base64')}"/>`
  );
};

/** .NET ticks: 100 ns intervals since 0001-01-01T00:00:00Z (621355968000000000 at the Unix epoch). */
const ticksAt = (date: Date) => BigInt(date.getTime()) * 10_000n + 621_355_968_000_000_000n;

/**
 * The bytes a WOPI client signs: 4-byte big-endian length + access token, 4-byte length + the
 * absolute URL in upper case, 4-byte length (8) + the X-WOPI-TimeStamp ticks as a big-endian int64.
 */
const proofPayload = (accessToken: string, url: string, ticks: bigint) => {
  const token = Buffer.from(accessToken, 'utf8');
  const upperUrl = Buffer.from(url.toUpperCase(), 'utf8');
  const header = (length: number) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(length);

    return bytes;
  };
  const time = Buffer.alloc(8);
  time.writeBigInt64BE(ticks);

  return Buffer.concat([header(token.length), token, header(upperUrl.length), upperUrl, header(8), time]);
};

/** X-WOPI-Proof as a client computes it: RSA PKCS#1 v1.5 over SHA-256, base64. */
const clientProof = (key: KeyObject, accessToken: string, url: string, ticks: bigint) =>
  sign('sha256', proofPayload(accessToken, url, ticks), key).toString('base64');

const discovered = () => parseDiscovery(`<wopi-discovery><net-zone name="external-http"/>${element}</wopi-discovery>`);

beforeAll(() => {
  current = generateKeyPairSync('rsa', { modulusLength: 2048 });
  old = generateKeyPairSync('rsa', { modulusLength: 2048 });
  element = proofKeyElement(current.publicKey, old.publicKey);
});

describe('proof keys as a WOPI client publishes them (independent <proof-key> and payload)', () => {
  it('the <proof-key> element parses and matches proofKeyFromPublicKey (including the CAPI blobs)', () => {
    const { proofKey } = discovered();
    expect(proofKey).toEqual(proofKeyFromPublicKey(current.publicKey, old.publicKey));
  });

  it('requests signed by the client verify: current key, ProofOld, and after either side rotates', () => {
    const { proofKey } = discovered();
    const ticks = ticksAt(NOW);
    const proof = clientProof(current.privateKey, TOKEN, URL_, ticks);
    const proofOld = clientProof(old.privateKey, TOKEN, URL_, ticks);
    const base = { accessToken: TOKEN, url: URL_, timestamp: ticks.toString(), now: NOW };
    expect(verifyProof(proofKey!, { ...base, proof, proofOld })).toEqual({ ok: true });
    // The host still has discovery from before the client rotated: the client's old key is our current.
    expect(verifyProof(proofKey!, { ...base, proof: proofOld, proofOld: null })).toEqual({ ok: true });
    expect(verifyProof(proofKey!, { ...base, proof: null, proofOld: proof })).toEqual({ ok: true });
  });

  it('a signature over the independently built payload verifies and equals signProof', () => {
    const { proofKey } = discovered();
    const ticks = ticksAt(NOW);
    expect(ticksFromDate(NOW)).toBe(ticks);
    const proof = clientProof(current.privateKey, TOKEN, URL_, ticks);
    expect(proof).toBe(signProof(current.privateKey, { accessToken: TOKEN, url: URL_, timestamp: ticks }));
    expect(
      verifyProof(proofKey!, {
        accessToken: TOKEN,
        url: URL_,
        timestamp: ticks.toString(),
        proof,
        proofOld: null,
        now: NOW,
      }),
    ).toEqual({ ok: true });
  });

  describe('negatives', () => {
    const request = (overrides: { url?: string; accessToken?: string; signedAt?: Date } = {}) => {
      const ticks = ticksAt(overrides.signedAt ?? NOW);

      return {
        accessToken: overrides.accessToken ?? TOKEN,
        url: overrides.url ?? URL_,
        timestamp: ticks.toString(),
        proof: clientProof(current.privateKey, TOKEN, URL_, ticks),
        proofOld: clientProof(old.privateKey, TOKEN, URL_, ticks),
        now: NOW,
      };
    };

    it('another URL (other file id) → mismatch; the same URL in other letter case still verifies', () => {
      const { proofKey } = discovered();
      const otherFile = URL_.replace('000000000001', '000000000002');
      expect(verifyProof(proofKey!, request({ url: otherFile }))).toEqual({ ok: false, reason: 'mismatch' });
      expect(verifyProof(proofKey!, request({ url: URL_.toLowerCase() }))).toEqual({ ok: true });
    });

    it('a tampered access token → mismatch', () => {
      const { proofKey } = discovered();
      expect(verifyProof(proofKey!, request({ accessToken: `${TOKEN}x` }))).toEqual({
        ok: false,
        reason: 'mismatch',
      });
    });

    it('a correctly signed timestamp more than 20 minutes old → stale (exactly 20 minutes still passes)', () => {
      const { proofKey } = discovered();
      expect(verifyProof(proofKey!, request({ signedAt: new Date(NOW.getTime() - 21 * MINUTE) }))).toEqual({
        ok: false,
        reason: 'stale',
      });
      expect(verifyProof(proofKey!, request({ signedAt: new Date(NOW.getTime() - 20 * MINUTE) }))).toEqual({
        ok: true,
      });
    });

    it('signed by a key that is in neither slot of the element → mismatch', () => {
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const { proofKey } = discovered();
      const ticks = ticksAt(NOW);
      const proof = clientProof(stranger.privateKey, TOKEN, URL_, ticks);
      expect(
        verifyProof(proofKey!, {
          accessToken: TOKEN,
          url: URL_,
          timestamp: ticks.toString(),
          proof,
          proofOld: proof,
          now: NOW,
        }),
      ).toEqual({ ok: false, reason: 'mismatch' });
    });
  });
});
