import type { WopiDocument, WopiPorts, WopiUser } from '@/lib/wopi/ports';
import type { Permission } from '@/lib/tokens/permissions';
import type { AccessTokenClaims } from '@/lib/tokens/tokens';

export type WopiConfig = {
  /** Base URL editors and browsers use for this host, without a trailing slash. */
  publicUrl: string;
  maxUploadBytes: number;
};

export type WopiContext = {
  request: Request;
  fileId: string;
  /** The access token as received (for URLs we hand back that must carry it). */
  accessToken: string;
  claims: AccessTokenClaims;
  user: WopiUser;
  /** Token permissions cut down to what the user's role allows now. */
  permissions: ReadonlySet<Permission>;
  document: WopiDocument;
  ports: WopiPorts;
  config: WopiConfig;
};

export type WopiOperation = (ctx: WopiContext) => Promise<Response>;
