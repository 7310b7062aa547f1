import type { Readable } from 'node:stream';
import type { WopiDocument, WopiPorts, WopiUser } from '@/lib/wopi/ports';
import type { Permission } from '@/lib/tokens/permissions';
import type { AccessTokenClaims } from '@/lib/tokens/tokens';

export type WopiConfig = {
  /** Base URL editors and browsers use for this host, without a trailing slash. */
  publicUrl: string;
  maxUploadBytes: number;
};

/**
 * What an operation sees of a WOPI request: a view over Node's own request (lib/server/wopi-http.ts),
 * or over a fetch Request for tests (lib/wopi/request.ts). Nothing is copied up front.
 */
export type WopiRequest = {
  readonly method: string;
  /** Path and query exactly as received (proofs sign them). */
  readonly url: string;
  /** A header's value, name in any case, as fetch's `Headers.get` gives it: repeats joined by ", ", null when absent. */
  header(name: string): string | null;
  /** The headers as a fetch `Headers`, built on first use (for code that takes one: lib/wopi/sender.ts). */
  fetchHeaders(): Headers;
  /** The body as a Node stream, read at most once; an empty stream when the request has none (GET). */
  body(): Readable;
  /** The body was handed out and reading it began: a second attempt would get nothing. */
  readonly isBodyUsed: boolean;
  /**
   * The client closed the connection before its request was complete: node:http destroyed the
   * body with its own "aborted" error (lib/errors.ts isClientAbort). Judged by the request's
   * state, not by an error's shape: an S3 response cut mid-body carries the same error.
   */
  isClientGone(): boolean;
};

/**
 * What an operation answers; lib/server/wopi-http.ts writes it straight to Node's response. Header
 * names go out lowercase and sorted, after the edge's own (as the fetch Response they replace did).
 */
export type WopiReply = {
  status: number;
  headers: Record<string, string>;
  /** Strings and buffers are sent whole; streams are piped with backpressure. */
  body: string | Buffer | Readable | ReadableStream<Uint8Array> | null;
  /**
   * Work the answer must not wait for, nor compete with: run once the reply has been written or
   * its sending failed (lib/server/wopi-http.ts), or when it becomes a fetch Response
   * (toFetchResponse). PutFile's copy to the visible key. Must not throw.
   */
  afterSend?: () => void;
};

export type WopiContext = {
  request: WopiRequest;
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

export type WopiOperation = (ctx: WopiContext) => Promise<WopiReply>;
