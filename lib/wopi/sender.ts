// Which editor sent a WOPI request, so its UTF-7 file names are read by that editor's rules.
import { WOPI_HEADERS } from '@/lib/wopi/headers';
import type { WopiSender } from '@/lib/wopi/utf7';

/**
 * Collabora: every storage request carries User-Agent http::getAgentString() = "COOLWSD HTTP Agent
 * <version>" (net/Socket.cpp; older "LOOLWSD HTTP Agent" / "LOOLWSD WOPI Agent") and
 * X-COOL-WOPI-ServerId (WopiStorage::initHttpRequest, wsd/wopi/WopiStorage.cpp; older
 * X-LOOL-WOPI-ServerId). Its other X-COOL-WOPI-* headers (IsModifiedByUser, Timestamp…) only it sends.
 */
const COLLABORA_AGENT = /\b[CL]OOLWSD (?:HTTP|WOPI) Agent\b/;
const COLLABORA_PREFIX = 'x-cool-wopi-';
/**
 * ONLYOFFICE Docs: its HTTP client is request.defaults(services.CoAuthoring.requestDefaults)
 * (Common/sources/utils.js), whose default headers (Common/config/default.json) send User-Agent
 * "Node.js/6.13"; PutFile adds X-LOOL-WOPI-IsModifiedByUser/IsAutosave/IsExitSave/Timestamp
 * (DocService/sources/wopiClient.js), which Collabora only sends next to its own X-COOL-WOPI-*.
 */
const ONLYOFFICE_AGENT = /^Node\.js\/6\.13\b/;
const ONLYOFFICE_HEADERS = [
  WOPI_HEADERS.loolIsModifiedByUser,
  WOPI_HEADERS.loolIsAutosave,
  WOPI_HEADERS.loolIsExitSave,
  WOPI_HEADERS.loolTimestamp,
];
/**
 * Microsoft: Office for the web sends X-WOPI-CorrelationId and the logging headers MachineName,
 * AppEndpoint, RequestingApplication ([MS-WOPI] 2.2.1; "Standard WOPI request and response
 * headers"), which neither Collabora nor ONLYOFFICE sends (ONLYOFFICE's wopiUtils.js leaves
 * CorrelationId unimplemented). The WOPI validator says "Microsoft Office WOPI Validator/1.0" for
 * OfficeNativeClient tests only.
 */
const MICROSOFT_AGENT = /\bMicrosoft Office\b/i;
const MICROSOFT_HEADERS = [
  WOPI_HEADERS.correlationId,
  WOPI_HEADERS.machineName,
  WOPI_HEADERS.appEndpoint,
  WOPI_HEADERS.requestingApplication,
];

/** What the editor says about itself, or null. Collabora first: its own names are unambiguous. */
const announcedSenderOf = (headers: Headers): WopiSender | null => {
  const agent = headers.get(WOPI_HEADERS.userAgent) ?? '';
  const isCollaboraHeader = [...headers.keys()].some((name) => name.toLowerCase().startsWith(COLLABORA_PREFIX));
  if (COLLABORA_AGENT.test(agent) || isCollaboraHeader || headers.has(WOPI_HEADERS.loolServerId)) return 'collabora';
  if (ONLYOFFICE_AGENT.test(agent) || ONLYOFFICE_HEADERS.some((name) => headers.has(name))) return 'onlyoffice';
  if (MICROSOFT_AGENT.test(agent) || MICROSOFT_HEADERS.some((name) => headers.has(name))) return 'microsoft';

  return null;
};

/**
 * Who sent a WOPI request, from its headers: the editor's own identification (above) first, then
 * `hint` (the editor the access token was minted for, when known), then X-WOPI-Proof alone, a weak
 * sign of Microsoft (the validator with proof keys; Collabora and ONLYOFFICE sign too, but then
 * also identify themselves), else 'unknown'.
 */
export const wopiSenderOf = (headers: Headers, hint?: WopiSender | null): WopiSender => {
  const announced = announcedSenderOf(headers);
  if (announced) return announced;
  if (hint) return hint;

  return headers.has(WOPI_HEADERS.proof) ? 'microsoft' : 'unknown';
};
