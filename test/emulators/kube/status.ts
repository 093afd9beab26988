// metav1.Status bodies exactly as a real API server writes them.

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
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
