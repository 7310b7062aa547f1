import { describe, expect, it } from 'vitest';
import { addressKey, clientAddressOf } from '@/lib/auth/client-address';

describe('clientAddressOf (the address the sign-in limit counts)', () => {
  it.each([
    [
      'the socket address when TRUST_PROXY=0, whatever X-Forwarded-For says',
      { remoteAddress: '203.0.113.9', forwardedFor: '1.2.3.4', trustProxy: 0 },
      '203.0.113.9',
    ],
    ['IPv4-mapped IPv6 as IPv4', { remoteAddress: '::ffff:127.0.0.1', trustProxy: 0 }, '127.0.0.1'],
    [
      'TRUST_PROXY=1: the last X-Forwarded-For entry (what our proxy saw)',
      { remoteAddress: '10.0.0.2', forwardedFor: '6.6.6.6, 198.51.100.7', trustProxy: 1 },
      '198.51.100.7',
    ],
    [
      'TRUST_PROXY=2: the second entry from the right',
      { remoteAddress: '10.0.0.2', forwardedFor: '6.6.6.6, 198.51.100.7, 10.0.0.3', trustProxy: 2 },
      '198.51.100.7',
    ],
    ['TRUST_PROXY=1 without X-Forwarded-For: the socket', { remoteAddress: '10.0.0.2', trustProxy: 1 }, '10.0.0.2'],
    [
      'TRUST_PROXY=2 with one entry: the left-most entry the proxies vouch for',
      { remoteAddress: '10.0.0.2', forwardedFor: '198.51.100.7', trustProxy: 2 },
      '198.51.100.7',
    ],
    [
      'a garbage X-Forwarded-For entry: the socket',
      { remoteAddress: '10.0.0.2', forwardedFor: 'evil, <script>', trustProxy: 1 },
      '10.0.0.2',
    ],
    [
      'several X-Forwarded-For headers joined',
      { remoteAddress: '10.0.0.2', forwardedFor: ['6.6.6.6', '198.51.100.8'], trustProxy: 1 },
      '198.51.100.8',
    ],
  ])('%s', (_label, input, expected) => {
    expect(clientAddressOf(input)).toBe(expected);
  });

  it('no socket address → undefined', () => {
    expect(clientAddressOf({ remoteAddress: undefined, trustProxy: 0 })).toBeUndefined();
  });
});

describe('addressKey', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    // One IPv6 host usually owns a whole /64: count the /64.
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::ffff', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::1', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('%s → %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('not an IP address → undefined', () => {
    expect(addressKey('localhost')).toBeUndefined();
    expect(addressKey('')).toBeUndefined();
  });
});
