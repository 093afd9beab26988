// Turns Azure failures into one sentence a responder can act on: not signed in, wrong tenant,
// or which role is missing on which resource.
export class AzureError extends Error {
  override name = 'AzureError';
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface AzureAction {
  /** What we were doing, e.g. "create the Log Analytics workspace". */
  action: string;
  /** The resource, e.g. its ARM id. */
  resource: string;
  /** Least role that allows it, e.g. "Log Analytics Contributor". */
  role: string;
}

interface MaybeRestError {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  details?: { error?: { code?: string; message?: string } };
}

export function statusOf(err: unknown): number | undefined {
  const e = err as MaybeRestError & { errors?: { cause?: MaybeRestError }[] };
  return e?.statusCode ?? e?.errors?.[0]?.cause?.statusCode;
}

/** The error that says what went wrong: the first cause inside an SDK aggregate (upload, chained credential). */
function rootCause(err: unknown): unknown {
  const e = err as { name?: string; errors?: ({ cause?: unknown } | Error)[] } | undefined;
  if (e?.errors?.length && (e.name === 'AggregateLogsUploadError' || !(e as MaybeRestError).statusCode)) {
    const first = e.errors[0] as { cause?: unknown };
    return rootCause(first?.cause ?? first);
  }
  return err;
}

const SIGN_IN_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationRequiredError', 'AggregateAuthenticationError']);

/** One sentence for a failed call. */
export function describeAzureError(err: unknown, what: AzureAction, tenantId?: string): AzureError {
  if (err instanceof AzureError) return err;
  const outer = (err ?? {}) as MaybeRestError;
  const e = (rootCause(err) ?? {}) as MaybeRestError;
  const msg = String(e.message ?? outer.message ?? e.name ?? 'no message');
  const status = statusOf(e) ?? statusOf(err);
  if (SIGN_IN_ERRORS.has(e.name ?? '') || SIGN_IN_ERRORS.has(outer.name ?? '') || /az login|not logged in|Please run 'az login'/i.test(msg)) {
    return new AzureError(`You are not signed in to Azure, so KubeForenSys cannot ${what.action}: run "az login" (or sign in from the Accounts menu in VS Code) and try again.`);
  }
  if (/AADSTS(50020|90002|700016|50128|50059|90072)/.test(msg)) {
    return new AzureError(
      `The signed-in account cannot get a token for tenant ${tenantId ?? 'of this subscription'}: sign in to that tenant (az login --tenant ${tenantId ?? '<tenant-id>'}) or pass --tenant.`,
    );
  }
  const code = e.code ?? e.details?.error?.code;
  // The query API answers a bad or expired token with 403 InvalidAuthenticationToken, not 401.
  if (status === 401 || code === 'InvalidAuthenticationToken') {
    return new AzureError(`Azure rejected the sign-in token while trying to ${what.action}: sign in again (az login) and retry.`, status, code);
  }
  if (status === 403) {
    return new AzureError(`Azure refused to ${what.action}: the signed-in identity needs the "${what.role}" role on ${what.resource}.`, 403, code);
  }
  // Log Analytics nests the useful part (e.g. which name failed to resolve) in innerError.
  type Inner = { message?: string; innerError?: unknown; innererror?: unknown };
  let inner = e.details?.error as Inner | undefined;
  let deepest: string | undefined;
  while (inner) {
    if (inner.message) deepest = inner.message;
    inner = (inner.innerError ?? inner.innererror) as Inner | undefined;
  }
  const first = msg.split('\n')[0];
  const text = deepest && deepest !== msg ? `${first}: ${deepest}` : first;
  if (status === undefined) return new AzureError(`Could not ${what.action}: Azure did not answer (${code ? `${code}: ` : ''}${text}).`, undefined, code);
  return new AzureError(`Could not ${what.action} (${status}${code ? ` ${code}` : ''}): ${text}`, status, code);
}
