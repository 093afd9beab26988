// Lists each kind once per snapshot and shares it between collectors (pods feed four of them).
// A 403 on a cluster-wide list falls back to per-namespace lists where namespaces can be
// listed; namespaces that still answer 403 become gaps. Excluded namespaces are dropped here,
// so every collector honours options.excludeNamespaces.
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { CLUSTER_SCOPED_KINDS, type ClusterApi } from '../cluster/api.js';
import { isAbort, isForbidden } from '../cluster/errors.js';
import type { CollectOptions, KubeObject, ListableKind, ListOutcome, ObjectCache } from './types.js';

type GapLike = ListOutcome['gaps'][number];

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createObjectCache(api: ClusterApi, options: CollectOptions): ObjectCache {
  const cache = new Map<ListableKind, Promise<ListOutcome>>();
  const keep = (o: KubeObject) => {
    const ns = o.metadata?.namespace;
    return !(ns && options.excludeNamespaces.includes(ns));
  };

  async function load(kind: ListableKind, signal: AbortSignal): Promise<ListOutcome> {
    try {
      const items = await api.list(kind, { signal });
      return { items: items.filter((o) => (kind === 'namespaces' ? !options.excludeNamespaces.includes(o.metadata?.name ?? '') : keep(o))), gaps: [] };
    } catch (err) {
      if (isAbort(err) || signal.aborted) throw err;
      const scope = CLUSTER_SCOPED_KINDS.has(kind) ? kind : `${kind} (all namespaces)`;
      if (!isForbidden(err) || CLUSTER_SCOPED_KINDS.has(kind)) {
        return { items: [], gaps: [{ scope, status: isForbidden(err) ? 'forbidden' : 'failed', message: errMessage(err) }] };
      }
      return perNamespace(kind, err, signal);
    }
  }

  async function perNamespace(kind: ListableKind, clusterErr: unknown, signal: AbortSignal): Promise<ListOutcome> {
    const namespaces = await list('namespaces', signal);
    if (namespaces.gaps.length > 0) {
      return {
        items: [],
        gaps: [
          {
            scope: `${kind} (all namespaces)`,
            status: 'forbidden',
            message: `${errMessage(clusterErr)}; namespaces cannot be listed either, so there is no per-namespace fallback`,
          },
        ],
      };
    }
    const limit = pLimit(Math.max(1, options.concurrency));
    // One signal for the parallel per-namespace lists, each of which listens on it.
    const local = new AbortController();
    setMaxListeners(Math.max(50, options.concurrency * 4), local.signal);
    const onAbort = () => local.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const items: KubeObject[] = [];
    const gaps: GapLike[] = [];
    try {
      await Promise.all(
        namespaces.items.map((n) =>
          limit(async () => {
            const ns = n.metadata?.name;
            if (!ns) return;
            try {
              items.push(...(await api.list(kind, { namespace: ns, signal: local.signal })));
            } catch (err) {
              if (isAbort(err) || signal.aborted) throw err;
              gaps.push({ scope: `${kind} in namespace ${ns}`, status: isForbidden(err) ? 'forbidden' : 'failed', message: errMessage(err) });
            }
          }),
        ),
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    // Stable order whatever the completion order was.
    gaps.sort((a, b) => a.scope.localeCompare(b.scope));
    return { items: items.filter(keep), gaps };
  }

  function list(kind: ListableKind, signal: AbortSignal): Promise<ListOutcome> {
    let p = cache.get(kind);
    if (!p) {
      p = load(kind, signal);
      cache.set(kind, p);
      // A cancelled list must not be served to a later caller.
      p.catch(() => cache.delete(kind));
    }
    return p;
  }

  return { list };
}
