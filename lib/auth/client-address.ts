import { isIP } from 'node:net';

/**
 * The request header through which the portal listener (lib/server/portal-listener.ts) tells
 * next-auth's authorize() the client address. The listener drops any value a client sends.
 */
export const CLIENT_ADDRESS_HEADER = 'x-portal-client-address';

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

const normalize = (address: string) => {
  const trimmed = address.trim();

  return MAPPED_IPV4.exec(trimmed)?.[1] ?? trimmed;
};

/**
 * The client's address: the socket's, or with `trustProxy` = N reverse proxies in front, the
 * N-th X-Forwarded-For entry from the right (the one our outermost proxy saw). Entries further
 * left are whatever the client wrote and are never used.
 */
export const clientAddressOf = ({
  remoteAddress,
  forwardedFor,
  trustProxy,
}: {
  remoteAddress: string | undefined;
  forwardedFor?: string | string[];
  trustProxy: number;
}): string | undefined => {
  const socket = remoteAddress ? normalize(remoteAddress) : undefined;
  if (trustProxy === 0 || !forwardedFor) return socket;
  const entries = [forwardedFor]
    .flat()
    .join(',')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const candidate = entries[Math.max(entries.length - trustProxy, 0)];
  if (!candidate) return socket;
  const address = normalize(candidate);

  return isIP(address) ? address : socket;
};

const expandIpv6 = (address: string) => {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const missing = 8 - left.length - right.length;

  return [...left, ...Array<string>(Math.max(missing, 0)).fill('0'), ...right];
};

/**
 * What the per-address limit counts: an IPv4 address, or an IPv6 address's /64 (one
 * subscriber usually owns a whole /64, so counting single addresses would not limit anyone).
 */
export const addressKey = (address: string): string | undefined => {
  const plain = normalize(address).replace(/%.*$/, '');
  const version = isIP(plain);
  if (version === 4) return plain;
  if (version !== 6) return undefined;
  const groups = expandIpv6(plain.toLowerCase()).slice(0, 4);

  return `${groups.map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
};
