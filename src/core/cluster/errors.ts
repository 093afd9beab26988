// The two error types the cluster layer lets out. Both carry one sentence meant for the user:
// the CLI and the extension print `message` as is, never a stack trace.

/** The kubeconfig cannot be used: names the file, the context and the field at fault. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
  constructor(
    message: string,
    readonly file?: string,
    readonly context?: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * A call to the API server failed. `status` is the HTTP status (0 when no answer came back:
 * unreachable server, TLS failure, cancelled); `reason` is the Status reason (Forbidden,
 * Expired, NotFound, ...) or a transport reason (Unreachable, TLSError, Aborted, Timeout).
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  /** The server's Retry-After, in milliseconds, when it sent one (429, 503). */
  retryAfterMs: number | null = null;
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export function isForbidden(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 403;
}

export function isAbort(err: unknown): boolean {
  if (err instanceof KubeApiError) return err.reason === 'Aborted';
  const e = err as { name?: string; type?: string } | null;
  return !!e && (e.name === 'AbortError' || e.type === 'aborted');
}

/** The parts of a metav1.Status we read. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { reason?: string; message?: string }[] };
}

export function parseStatus(body: unknown): KubeStatus | null {
  if (body === null || body === undefined) return null;
  if (typeof body === 'object') return body as KubeStatus;
  if (typeof body !== 'string' || body === '') return null;
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as KubeStatus) : null;
  } catch {
    return null;
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

/** Where a call went, to name it in messages. */
export interface CallTarget {
  context: string;
  server: string;
  user: string;
}

/** Finds the innermost error code (node-fetch wraps system errors; ws surfaces raw ones). */
function errorCode(err: unknown): string | undefined {
  let e = err as { code?: unknown; errno?: unknown; cause?: unknown; erroredSysCall?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return e.code;
    if (typeof e.errno === 'string') return e.errno;
    e = e.cause as typeof e;
  }
  return undefined;
}

/**
 * Turns anything a client-node call or a raw request can throw into a KubeApiError with a
 * one-sentence message. `body` is the raw response text when the caller captured it (the
 * generated client drops it for 401).
 */
export function toKubeApiError(err: unknown, target: CallTarget, what: string, body?: string): KubeApiError {
  if (err instanceof KubeApiError) return err;
  if (isAbort(err)) return new KubeApiError(0, 'Aborted', `${what} was cancelled`);
  const e = err as { code?: unknown; body?: unknown; message?: unknown } | null;
  const status = typeof e?.code === 'number' ? e.code : undefined;
  if (status !== undefined) return fromStatus(status, parseStatus(body ?? e?.body), target, what);
  const code = errorCode(err);
  const raw = typeof e?.message === 'string' ? e.message : String(err);
  if (code && code in UNREACHABLE_CODES) {
    return new KubeApiError(
      0,
      'Unreachable',
      `Cannot reach the API server ${target.server} of context ${target.context}: ${UNREACHABLE_CODES[code]} (${code}).`,
    );
  }
  if ((code && TLS_CODES.has(code)) || /certificate|self[- ]signed|TLS|SSL/i.test(raw)) {
    return new KubeApiError(
      0,
      'TLSError',
      `The API server ${target.server} of context ${target.context} failed TLS verification (${code ?? firstLine(raw)}); check the certificate-authority of the cluster in the kubeconfig.`,
    );
  }
  const m = /Unexpected server response: (\d{3})/.exec(raw);
  if (m) return fromStatus(Number(m[1]), null, target, what);
  return new KubeApiError(0, code ?? 'Error', `${what} failed: ${firstLine(raw)}`);
}

export function fromStatus(status: number, st: KubeStatus | null, target: CallTarget, what: string): KubeApiError {
  const reason = st?.reason || defaultReason(status);
  const serverMessage = st?.message ? firstLine(st.message) : '';
  if (status === 401) {
    return new KubeApiError(
      401,
      reason,
      `The API server ${target.server} rejected the credentials of user ${target.user} in context ${target.context} (401 Unauthorized): the token or certificate is invalid or expired.`,
    );
  }
  const detail = serverMessage ? `: ${serverMessage}` : '';
  return new KubeApiError(status, reason, `${what} failed with ${status} ${reason}${detail}`);
}

function defaultReason(status: number): string {
  switch (status) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 409: return 'Conflict';
    case 410: return 'Expired';
    case 429: return 'TooManyRequests';
    case 500: return 'InternalError';
    case 503: return 'ServiceUnavailable';
    default: return 'Unknown';
  }
}

export function firstLine(s: string): string {
  const line = s.split(/\r?\n/, 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
