import type { IncomingMessage } from 'node:http';

/**
 * Which browser origins may talk to ECB, over REST and Socket.IO alike
 * (ECB-SPEC §7 ECB_CORS_ORIGINS): a request without Origin is a non-browser
 * client and allowed; an Origin is allowed when listed, or when it is ECB's
 * own scheme://host; anything else is refused with 403.
 */
export class OriginPolicy {
  private readonly listed: ReadonlySet<string>;
  private readonly anyOrigin: boolean;

  constructor(allowedOrigins: readonly string[]) {
    this.anyOrigin = allowedOrigins.includes('*');
    this.listed = new Set(allowedOrigins);
  }

  /** True when the request may proceed. */
  allows(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    if (this.anyOrigin || this.listed.has(origin)) return true;
    return origin === ownOrigin(request);
  }

  /** True when this origin is listed explicitly (CORS headers are needed). */
  isCrossOriginAllowed(origin: string): boolean {
    return this.anyOrigin || this.listed.has(origin);
  }
}

/** ECB's own scheme://host as the browser addressed it. */
const ownOrigin = (request: IncomingMessage): string | undefined => {
  const host = request.headers.host;
  if (host === undefined) return undefined;
  const forwarded = request.headers['x-forwarded-proto'];
  const proto =
    typeof forwarded === 'string' && forwarded !== ''
      ? forwarded.split(',')[0]!.trim()
      : (request.socket as { encrypted?: boolean }).encrypted === true
        ? 'https'
        : 'http';
  return `${proto}://${host}`;
};
