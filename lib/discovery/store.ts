import { db } from '@/lib/db';
import type { WopiClientConfig } from '@/lib/discovery/clients';
import { parseDiscovery, type Discovery } from '@/lib/discovery/parse';
import { env } from '@/lib/env';
import { log } from '@/lib/log';

const MAX_BYTES = 5 * 1024 * 1024;
// While one attempt is recent, everyone keeps using the cached copy instead of piling on.
const RETRY_AFTER_MS = 30_000;

export type ClientDiscovery = {
  client: string;
  url: string;
  discovery: Discovery | null;
  fetchedAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
};

/** GET with a timeout and a size limit; the body must parse as discovery XML. */
export const fetchDiscoveryXml = async (url: string) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(env.DISCOVERY_TIMEOUT_MS), redirect: 'follow' });
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
  if (Number(response.headers.get('content-length') ?? 0) > MAX_BYTES)
    throw new Error(`discovery larger than ${MAX_BYTES} bytes`);
  const reader = response.body?.getReader();
  if (!reader) throw new Error('empty discovery response');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel();
      throw new Error(`discovery larger than ${MAX_BYTES} bytes`);
    }
    chunks.push(value);
  }
  const xml = Buffer.concat(chunks).toString('utf8');
  parseDiscovery(xml); // refuse to cache something we cannot use

  return xml;
};

type Row = {
  client: string;
  url: string;
  xml: string | null;
  fetchedAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
};

// Parsed copies keyed by client and fetch time: XML is parsed once per fetch, not per request.
const parsed = new Map<string, { fetchedAt: number; discovery: Discovery }>();

const toClientDiscovery = (row: Row): ClientDiscovery => {
  let discovery: Discovery | null = null;
  if (row.xml && row.fetchedAt) {
    const cached = parsed.get(row.client);
    if (cached?.fetchedAt === row.fetchedAt.getTime()) discovery = cached.discovery;
    else {
      discovery = parseDiscovery(row.xml);
      parsed.set(row.client, { fetchedAt: row.fetchedAt.getTime(), discovery });
    }
  }

  return {
    client: row.client,
    url: row.url,
    discovery,
    fetchedAt: row.fetchedAt,
    lastAttemptAt: row.lastAttemptAt,
    lastError: row.lastError,
  };
};

/** Fetches now and stores the result; a failure is recorded and the previous copy kept. */
export const refreshDiscovery = async (client: WopiClientConfig): Promise<ClientDiscovery> => {
  const now = new Date();
  try {
    const xml = await fetchDiscoveryXml(client.discoveryUrl);
    const row = await db.wopiClientDiscovery.upsert({
      where: { client: client.name },
      create: {
        client: client.name,
        url: client.discoveryUrl,
        xml,
        fetchedAt: now,
        lastAttemptAt: now,
        lastError: null,
      },
      update: { url: client.discoveryUrl, xml, fetchedAt: now, lastAttemptAt: now, lastError: null },
    });
    log.info({ client: client.name }, 'discovery refreshed');

    return toClientDiscovery(row);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn({ client: client.name, err: message }, 'discovery fetch failed');
    const row = await db.wopiClientDiscovery.upsert({
      where: { client: client.name },
      create: { client: client.name, url: client.discoveryUrl, lastAttemptAt: now, lastError: message },
      update: { url: client.discoveryUrl, lastAttemptAt: now, lastError: message },
    });

    return toClientDiscovery(row);
  }
};

/**
 * The cached discovery, fetched first when missing, older than DISCOVERY_REFRESH_HOURS or from
 * another URL (unless an attempt in the last 30 s failed). When the editor is briefly
 * unreachable, the cached copy keeps working.
 */
export const getDiscovery = async (client: WopiClientConfig): Promise<ClientDiscovery> => {
  const row = await db.wopiClientDiscovery.findUnique({ where: { client: client.name } });
  const maxAgeMs = env.DISCOVERY_REFRESH_HOURS * 3600 * 1000;
  const sameUrl = row?.url === client.discoveryUrl;
  const isFresh = row?.fetchedAt && sameUrl && Date.now() - row.fetchedAt.getTime() <= maxAgeMs;
  if (row && isFresh) return toClientDiscovery(row);
  const triedRecently = row?.lastAttemptAt && sameUrl && Date.now() - row.lastAttemptAt.getTime() < RETRY_AFTER_MS;
  if (row && triedRecently) return toClientDiscovery(row);

  return refreshDiscovery(client);
};
