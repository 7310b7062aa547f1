import { describe, expect, it } from 'vitest';
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import { wopiSenderOf } from '@/lib/wopi/sender';
import type { WopiSender } from '@/lib/wopi/utf7';

type Wire = Record<string, string>;

const PROOF: Wire = { [WOPI_HEADERS.proof]: 'c2lnbmVk', [WOPI_HEADERS.timestamp]: '638500000000000000' };
const COOL_AGENT: Wire = { 'User-Agent': 'COOLWSD HTTP Agent 24.04.13.2' };
const ONLYOFFICE_AGENT: Wire = { 'User-Agent': 'Node.js/6.13' };

/** "POST /wopi/files/:id User-Agent: …, X-…: …" for test names that read like the request. */
const requestLine = (wire: Wire) =>
  `POST /wopi/files/:id ${
    Object.entries(wire)
      .map(([name, value]) => `${name}: ${value}`)
      .join(', ') || '(no editor headers)'
  }`;
const cases = (rows: [Wire, WopiSender][]) => rows.map(([wire, sender]) => [requestLine(wire), sender, wire] as const);
const hinted = (rows: [Wire, WopiSender, WopiSender][]) =>
  rows.map(([wire, hint, sender]) => [requestLine(wire), hint, sender, wire] as const);

describe('wopiSenderOf: what the editor says about itself', () => {
  // CollaboraOnline/online wsd/wopi/WopiStorage.cpp initHttpRequest: on every storage request.
  it.each(
    cases([
      [{ ...COOL_AGENT, 'X-COOL-WOPI-ServerId': 'a1b2c3', ...PROOF }, 'collabora'],
      [{ 'User-Agent': 'COOLWSD HTTP Agent 25.04.5.1' }, 'collabora'],
      [{ 'X-COOL-WOPI-ServerId': 'a1b2c3' }, 'collabora'],
      [{ 'User-Agent': 'LOOLWSD HTTP Agent 6.4.10', 'X-LOOL-WOPI-ServerId': 'a1b2c3' }, 'collabora'],
      [{ 'User-Agent': 'LOOLWSD WOPI Agent 4.2.15' }, 'collabora'],
      [{ 'X-LOOL-WOPI-ServerId': 'a1b2c3' }, 'collabora'],
      [{ [WOPI_HEADERS.coolIsAutosave]: 'false', [WOPI_HEADERS.loolIsAutosave]: 'false' }, 'collabora'],
    ]),
  )('Collabora %s → %s', (_, sender, wire) => {
    expect(wopiSenderOf(new Headers(wire))).toBe(sender);
  });

  // ONLYOFFICE/server Common/config/default.json requestDefaults; DocService/sources/wopiClient.js putFile.
  it.each(
    cases([
      [{ ...ONLYOFFICE_AGENT, 'X-WOPI-ClientVersion': '8.2.0.143', ...PROOF }, 'onlyoffice'],
      [{ [WOPI_HEADERS.loolIsModifiedByUser]: 'true', [WOPI_HEADERS.loolIsAutosave]: 'false' }, 'onlyoffice'],
      [{ [WOPI_HEADERS.loolTimestamp]: '2024-01-01T00:00:00.000Z' }, 'onlyoffice'],
    ]),
  )('ONLYOFFICE %s → %s', (_, sender, wire) => {
    expect(wopiSenderOf(new Headers(wire))).toBe(sender);
  });

  // [MS-WOPI] 2.2.1 common request headers; the validator's OfficeNativeClient user agent.
  it.each(
    cases([
      [{ [WOPI_HEADERS.correlationId]: '6b1c0b4a-1d2e-4f3a-9b8c-7d6e5f4a3b2c', ...PROOF }, 'microsoft'],
      [{ 'X-WOPI-MachineName': 'WAC-1' }, 'microsoft'],
      [{ 'X-WOPI-AppEndpoint': 'EUR-1' }, 'microsoft'],
      [{ 'User-Agent': 'Microsoft Office WOPI Validator/1.0' }, 'microsoft'],
    ]),
  )('Microsoft %s → %s', (_, sender, wire) => {
    expect(wopiSenderOf(new Headers(wire))).toBe(sender);
  });

  it.each(
    cases([
      [PROOF, 'microsoft'],
      [{ 'User-Agent': 'curl/8.5.0' }, 'unknown'],
      [{}, 'unknown'],
    ]),
  )('no editor identification %s → %s (X-WOPI-Proof alone is a weak sign of Microsoft)', (_, sender, wire) => {
    expect(wopiSenderOf(new Headers(wire))).toBe(sender);
  });
});

describe('wopiSenderOf: the hint (the editor the access token was minted for)', () => {
  it.each(
    hinted([
      [{}, 'onlyoffice', 'onlyoffice'],
      [{ 'User-Agent': 'curl/8.5.0' }, 'microsoft', 'microsoft'],
      [PROOF, 'collabora', 'collabora'],
      [PROOF, 'unknown', 'unknown'],
    ]),
  )('%s, hint %s → %s: the hint beats weak signals', (_, hint, sender, wire) => {
    expect(wopiSenderOf(new Headers(wire), hint)).toBe(sender);
  });

  it.each(
    hinted([
      [COOL_AGENT, 'onlyoffice', 'collabora'],
      [ONLYOFFICE_AGENT, 'collabora', 'onlyoffice'],
      [{ [WOPI_HEADERS.correlationId]: 'abc' }, 'collabora', 'microsoft'],
    ]),
  )('%s, hint %s → %s: explicit editor headers beat the hint', (_, hint, sender, wire) => {
    expect(wopiSenderOf(new Headers(wire), hint)).toBe(sender);
  });

  it('X-WOPI-Proof alone, hint null (no editor on the token) → microsoft', () => {
    expect(wopiSenderOf(new Headers(PROOF), null)).toBe('microsoft');
  });
});
