// Answers the webview's data requests from any TimelineSource, so the host panel only wires
// the channel: local bundle or workspace query result, the webview is answered the same way.
import type { TimelineFilter } from './filter.js';
import type { HostToWebview, SourceInfo, WebviewToHost } from './messages.js';
import { parseWebviewMessage } from './messages.js';
import type { TimelineSource } from './source.js';
import { locateRow } from './locate.js';

export function initMessage(source: TimelineSource, info: SourceInfo, filter?: TimelineFilter): HostToWebview {
  return filter ? { type: 'init', source: info, facets: source.facets(), filter } : { type: 'init', source: info, facets: source.facets() };
}

/**
 * The answer to a data request (query, histogram, details, locate), or undefined for messages the
 * host handles itself (ready, setFilter, export, mark, views, copy). Failures become an `error` message, never a throw.
 */
export function answerRequest(source: TimelineSource, msg: WebviewToHost): HostToWebview | undefined {
  try {
    switch (msg.type) {
      case 'query': {
        const r = source.query(msg.filter, { offset: msg.offset, limit: msg.limit, sort: msg.sort, entries: msg.entries });
        const grouped = r.groups ? { groups: r.groups, lines: r.lines, entryCount: r.entryCount } : {};
        return { type: 'queryResult', requestId: msg.requestId, offset: msg.offset, total: r.total, rows: r.rows, ...grouped };
      }
      case 'histogram':
        return { type: 'histogramResult', requestId: msg.requestId, histogram: source.histogram(msg.filter, msg.buckets) };
      case 'details': {
        const entry = source.entry?.(msg.recordId);
        return { type: 'detailsResult', requestId: msg.requestId, row: source.row(msg.recordId) ?? null, ...(entry ? { entry } : {}) };
      }
      case 'locate':
        return { type: 'locateResult', requestId: msg.requestId, index: locateRow(source, msg.filter, msg.recordId, msg.sort, msg.entries) };
      default:
        return undefined;
    }
  } catch (err) {
    const message = String((err as Error)?.message ?? err).slice(0, 1000);
    return 'requestId' in msg ? { type: 'error', requestId: msg.requestId, message } : { type: 'error', message };
  }
}

/**
 * Validates a raw message from the webview and answers it when it is a data request.
 * `handled` is the validated message (for ready/setFilter/export, which the host acts on);
 * an invalid message yields an `error` reply and no `handled`.
 */
export function handleWebviewMessage(source: TimelineSource, raw: unknown): { handled?: WebviewToHost; reply?: HostToWebview } {
  let msg: WebviewToHost;
  try {
    msg = parseWebviewMessage(raw);
  } catch (err) {
    return { reply: { type: 'error', message: `rejected a message from the webview: ${(err as Error).message}`.slice(0, 1000) } };
  }
  return { handled: msg, reply: answerRequest(source, msg) };
}
