import type { WopiRequest } from '@/lib/wopi/types';

/** WOPI request and response header names ([MS-WOPI] 2.2.2) and the editors' own additions. */
export const WOPI_HEADERS = {
  override: 'X-WOPI-Override',
  lock: 'X-WOPI-Lock',
  oldLock: 'X-WOPI-OldLock',
  lockFailureReason: 'X-WOPI-LockFailureReason',
  itemVersion: 'X-WOPI-ItemVersion',
  maxExpectedSize: 'X-WOPI-MaxExpectedSize',
  suggestedTarget: 'X-WOPI-SuggestedTarget',
  relativeTarget: 'X-WOPI-RelativeTarget',
  overwriteRelativeTarget: 'X-WOPI-OverwriteRelativeTarget',
  validRelativeTarget: 'X-WOPI-ValidRelativeTarget',
  size: 'X-WOPI-Size',
  requestedName: 'X-WOPI-RequestedName',
  invalidFileNameError: 'X-WOPI-InvalidFileNameError',
  correlationId: 'X-WOPI-CorrelationId',
  // Logging headers Office for the web sends ([MS-WOPI] 2.2.1); used to tell who is calling.
  machineName: 'X-WOPI-MachineName',
  appEndpoint: 'X-WOPI-AppEndpoint',
  requestingApplication: 'X-WOPI-RequestingApplication',
  userAgent: 'User-Agent',
  serverError: 'X-WOPI-ServerError',
  proof: 'X-WOPI-Proof',
  proofOld: 'X-WOPI-ProofOld',
  timestamp: 'X-WOPI-TimeStamp',
  // Collabora Online (COOL) and its predecessor name (LOOL, also sent by ONLYOFFICE).
  coolTimestamp: 'X-COOL-WOPI-Timestamp',
  loolTimestamp: 'X-LOOL-WOPI-Timestamp',
  loolServerId: 'X-LOOL-WOPI-ServerId',
  coolIsModifiedByUser: 'X-COOL-WOPI-IsModifiedByUser',
  loolIsModifiedByUser: 'X-LOOL-WOPI-IsModifiedByUser',
  coolIsAutosave: 'X-COOL-WOPI-IsAutosave',
  loolIsAutosave: 'X-LOOL-WOPI-IsAutosave',
  coolIsExitSave: 'X-COOL-WOPI-IsExitSave',
  loolIsExitSave: 'X-LOOL-WOPI-IsExitSave',
} as const;

/** X-WOPI-Override values this host understands. */
export const OVERRIDES = {
  lock: 'LOCK',
  unlock: 'UNLOCK',
  refreshLock: 'REFRESH_LOCK',
  getLock: 'GET_LOCK',
  put: 'PUT',
  putRelative: 'PUT_RELATIVE',
  renameFile: 'RENAME_FILE',
  delete: 'DELETE',
  putUserInfo: 'PUT_USER_INFO',
} as const;

/** First value of a header from either editor family (COOL or LOOL). */
export const editorHeader = (request: WopiRequest, cool: string, lool: string) =>
  request.header(cool) ?? request.header(lool);
