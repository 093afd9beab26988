// metav1.Status bodies exactly as a real API server writes them.

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code: number;
}

export function failure(code: number, reason: string, message: string, details?: StatusBody['details']): StatusBody {
  const body: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) body.details = details;
  return body;
}

export function unauthorized(): StatusBody {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function notFound(group: string, plural: string, name: string): StatusBody {
  const what = group ? `${plural}.${group}` : plural;
  return failure(404, 'NotFound', `${what} "${name}" not found`, { name, ...(group ? { group } : {}), kind: plural });
}

export interface ForbiddenWhat {
  user: string;
  verb: string;
  group: string;
  plural: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export function forbidden(w: ForbiddenWhat): StatusBody {
  const resource = w.subresource ? `${w.plural}/${w.subresource}` : w.plural;
  const what = w.group ? `${w.plural}.${w.group}` : w.plural;
  const subject = w.name ? `${what} "${w.name}"` : what;
  const scope = w.namespace ? `in the namespace "${w.namespace}"` : 'at the cluster scope';
  return failure(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${w.user}" cannot ${w.verb} resource "${resource}" in API group "${w.group}" ${scope}`,
    { ...(w.name ? { name: w.name } : {}), ...(w.group ? { group: w.group } : {}), kind: w.plural },
  );
}

export const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export function expired(): StatusBody {
  return failure(410, 'Expired', EXPIRED_MESSAGE);
}

export function badRequest(message: string): StatusBody {
  return failure(400, 'BadRequest', message);
}

export function internalError(message: string): StatusBody {
  return failure(500, 'InternalError', `an error on the server ("${message}") has prevented the request from succeeding`, {
    causes: [{ reason: 'UnexpectedServerResponse', message }],
  });
}

export function methodNotAllowed(message: string): StatusBody {
  return failure(405, 'MethodNotAllowed', message);
}

/** The reason apimachinery's constructors give each code (NewTooManyRequests, NewServiceUnavailable, ...). */
const REASON_OF: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Reason phrases for the status line (Node would pick its own; upgrades write the line by hand). */
export const HTTP_REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  410: 'Gone',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * An injected error as the apiserver's own constructors build it: 429 NewTooManyRequests
 * (details.retryAfterSeconds), 503 NewServiceUnavailable, 504 NewTimeoutError ("Timeout: ..."),
 * 500 NewInternalError; other codes keep the given reason (default InternalError).
 */
export function injected(code: number, opts: { reason?: string; message?: string; retryAfter?: number } = {}): StatusBody {
  // retryAfterSeconds is omitempty: a zero leaves `details: {}` on the constructors that always set details.
  const retry = opts.retryAfter ? { retryAfterSeconds: opts.retryAfter } : undefined;
  if (code === 500 && !opts.reason) return internalError(opts.message ?? 'injected fault');
  const reason = opts.reason ?? REASON_OF[code] ?? 'InternalError';
  const message =
    opts.message ??
    (code === 429
      ? 'Too many requests, please try again later.'
      : code === 503
        ? 'the server is currently unable to handle the request'
        : code === 504
          ? 'Timeout: request did not complete within the allowed duration'
          : 'injected fault');
  const details = code === 429 || code === 504 ? { ...retry } : retry;
  return failure(code, reason, message, details);
}

/** metav1.StatusReasonInvalid for PodLogOptions, as errors.NewInvalid words it (one error: no brackets). */
export function invalidLogOptions(pod: string, errs: { field: string; type: 'FieldValueForbidden' | 'FieldValueInvalid'; body: string }[]): StatusBody {
  const list = errs.map((e) => `${e.field}: ${e.body}`);
  const joined = list.length === 1 ? list[0]! : `[${list.join(', ')}]`;
  return failure(422, 'Invalid', `PodLogOptions "${pod}" is invalid: ${joined}`, {
    name: pod,
    kind: 'PodLogOptions',
    causes: errs.map((e) => ({ reason: e.type, message: e.body, field: e.field })),
  });
}
