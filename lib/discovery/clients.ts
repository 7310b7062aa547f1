import { env } from '@/lib/env';

export type WopiClientConfig = { name: string; discoveryUrl: string };

/** WOPI_CLIENTS ("name=url,name=url") in order: the first that handles an extension is its default editor. */
export const configuredClients = (): WopiClientConfig[] =>
  (env.WOPI_CLIENTS ?? '')
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');

      return { name: pair.slice(0, eq).trim(), discoveryUrl: pair.slice(eq + 1).trim() };
    });

export const findClient = (name: string) => configuredClients().find((client) => client.name === name) ?? null;
