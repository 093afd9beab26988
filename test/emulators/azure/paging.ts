// nextLink paging as ARM list operations do it: a page of `pageSize` items and, when more remain,
// a nextLink that repeats the request's own query (api-version, $filter, ...) plus an opaque
// $skiptoken. The token is ours to read; a client must treat the link as opaque.
import type { ServerResponse } from 'node:http';
import { armError } from './http.js';

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

const encode = (offset: number) => Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64url');
function decode(token: string): number | null {
  try {
    const o = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown }).o;
    return typeof o === 'number' && Number.isInteger(o) && o >= 0 ? o : null;
  } catch {
    return null;
  }
}

/**
 * The page of `items` the request asks for, or null after answering 400 for a token that is not
 * ours (what ARM answers for a tampered $skiptoken).
 */
export function pageOf<T>(items: readonly T[], url: URL, base: string, pageSize: number, res: ServerResponse): Page<T> | null {
  const token = url.searchParams.get('$skiptoken');
  const offset = token === null ? 0 : decode(token);
  if (offset === null) {
    armError(res, 400, 'InvalidSkipToken', `The $skiptoken '${token}' is not valid.`);
    return null;
  }
  const value = items.slice(offset, offset + pageSize);
  if (offset + pageSize >= items.length) return { value };
  const next = new URL(url.pathname, base);
  for (const [k, v] of url.searchParams) if (k !== '$skiptoken') next.searchParams.append(k, v);
  next.searchParams.set('$skiptoken', encode(offset + pageSize));
  return { value, nextLink: next.toString() };
}
