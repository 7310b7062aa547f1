import { XMLParser, XMLValidator } from 'fast-xml-parser';

// WOPI discovery XML (Microsoft 365 / Office Online Server, Collabora, ONLYOFFICE):
// https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/online/discovery

export type DiscoveryAction = {
  app: string;
  name: string;
  ext: string;
  progid?: string;
  urlsrc: string;
  requires: string[];
  isDefault: boolean;
  newext?: string;
};

/** Public proof keys as published in discovery: base64, big-endian (`value` is the CAPI PUBLICKEYBLOB). */
export type ProofKey = {
  modulus: string;
  exponent: string;
  oldModulus?: string;
  oldExponent?: string;
  value?: string;
  oldValue?: string;
};

export type DiscoveryApp = { name: string; favIconUrl?: string };
export type DiscoveryZone = { name: string; actions: DiscoveryAction[]; apps: DiscoveryApp[] };
export type Discovery = { zones: DiscoveryZone[]; proofKey: ProofKey | null };

type XmlNode = Record<string, unknown>;

const REPEATED = new Set(['net-zone', 'app', 'action']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  isArray: (name, _jpath, _isLeaf, isAttribute) => !isAttribute && REPEATED.has(name),
});

// An element with neither attributes nor children parses to '' rather than an object.
const asNode = (value: unknown): XmlNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as XmlNode) : {};

const children = (node: XmlNode, name: string): XmlNode[] => {
  const value = node[name];

  return Array.isArray(value) ? value.map(asNode) : value === undefined ? [] : [asNode(value)];
};

const attr = (node: XmlNode, name: string): string | undefined => {
  const value = node[name];

  return typeof value === 'string' ? value : undefined;
};

const nonEmpty = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

const parseAction = (app: string, node: XmlNode): DiscoveryAction | null => {
  const name = nonEmpty(attr(node, 'name'));
  const urlsrc = nonEmpty(attr(node, 'urlsrc'));
  // An action without a name or a URL cannot be launched (Collabora's unfilled template has no urlsrc).
  if (!name || !urlsrc) return null;
  const progid = nonEmpty(attr(node, 'progid'));
  const newext = nonEmpty(attr(node, 'newext'));

  return {
    app,
    name,
    ext: (attr(node, 'ext') ?? '').trim(),
    ...(progid ? { progid } : {}),
    urlsrc,
    requires: (attr(node, 'requires') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    isDefault: attr(node, 'default')?.trim().toLowerCase() === 'true',
    ...(newext ? { newext } : {}),
  };
};

const parseZone = (node: XmlNode): DiscoveryZone => {
  const apps = children(node, 'app');

  return {
    name: attr(node, 'name')?.trim() ?? '',
    apps: apps.map((app) => {
      const favIconUrl = nonEmpty(attr(app, 'favIconUrl'));

      return { name: attr(app, 'name') ?? '', ...(favIconUrl ? { favIconUrl } : {}) };
    }),
    actions: apps.flatMap((app) =>
      children(app, 'action')
        .map((action) => parseAction(attr(app, 'name') ?? '', action))
        .filter((action): action is DiscoveryAction => action !== null),
    ),
  };
};

const parseProofKey = (node: XmlNode | undefined): ProofKey | null => {
  if (!node) return null;
  const modulus = nonEmpty(attr(node, 'modulus'));
  const exponent = nonEmpty(attr(node, 'exponent'));
  if (!modulus || !exponent) return null;
  const optional = {
    oldModulus: nonEmpty(attr(node, 'oldmodulus')),
    oldExponent: nonEmpty(attr(node, 'oldexponent')),
    value: nonEmpty(attr(node, 'value')),
    oldValue: nonEmpty(attr(node, 'oldvalue')),
  };

  return {
    modulus,
    exponent,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
};

/**
 * Parses a WOPI discovery document. Throws an `Error` naming the problem when the XML is not
 * well-formed or has no `<wopi-discovery>` root; unknown elements and attributes are ignored.
 */
export const parseDiscovery = (xml: string): Discovery => {
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new Error(`WOPI discovery XML is malformed: ${msg} (line ${line}, column ${col ?? '?'})`);
  }
  const root = (parser.parse(xml) as XmlNode)['wopi-discovery'];
  if (root === undefined) throw new Error('WOPI discovery XML has no <wopi-discovery> root element');
  const doc = asNode(root);

  return {
    zones: children(doc, 'net-zone').map(parseZone),
    proofKey: parseProofKey(children(doc, 'proof-key')[0]),
  };
};

/**
 * The zone to launch editors from: `external-<scheme of publicUrl>`, then `internal-<scheme>`,
 * then any other `internal-*`, then the first zone; null when discovery lists no zone.
 */
export const selectZone = (discovery: Discovery, publicUrl: string): DiscoveryZone | null => {
  const scheme = /^http:/i.test(publicUrl.trim()) ? 'http' : 'https';
  const byName = (name: string) => discovery.zones.find((zone) => zone.name.toLowerCase() === name);

  return (
    byName(`external-${scheme}`) ??
    byName(`internal-${scheme}`) ??
    discovery.zones.find((zone) => zone.name.toLowerCase().startsWith('internal-')) ??
    discovery.zones[0] ??
    null
  );
};

const normalizeExt = (ext: string) => ext.trim().replace(/^\./, '').toLowerCase();

/**
 * The action for a file extension, trying `names` in order (e.g. `['edit', 'view']`). Extensions
 * match case-insensitively, with or without a leading dot; actions with an empty `ext` (Collabora's
 * and ONLYOFFICE's MIME-type entries) never match. Among equal candidates the `default` one wins.
 */
export const findAction = (
  zone: DiscoveryZone,
  { ext, names }: { ext: string; names: readonly string[] },
): DiscoveryAction | null => {
  const wanted = normalizeExt(ext);
  if (!wanted) return null;
  for (const name of names) {
    const candidates = zone.actions.filter(
      (action) => action.name.toLowerCase() === name.toLowerCase() && normalizeExt(action.ext) === wanted,
    );
    const match = candidates.find((action) => action.isDefault) ?? candidates[0];
    if (match) return match;
  }

  return null;
};
