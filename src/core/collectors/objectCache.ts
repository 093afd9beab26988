// Lists each kind once per snapshot and shares it between collectors (pods feed four of them).
// A 403 on a cluster-wide list falls back to per-namespace lists where namespaces can be
// listed; namespaces that still answer 403 become gaps. Excluded namespaces are dropped here,
// so every collector honours options.excludeNamespaces.
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { CLUSTER_SCOPED_KINDS, type ClusterApi } from '../cluster/api.js';
import { isAbort, isForbidden } from '../cluster/errors.js';
import type { CollectOptions, ListOutcome, ObjectCache } from './types.js';
import type { KubeObject, ListableKind } from '../model.js';

type GapLike = ListOutcome['gaps'][number];

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Lists page by page, keeping the pages that arrived when a later one fails; cancellation still throws. */
async function listKeepingPages(api: ClusterApi, kind: ListableKind, namespace: string | undefined, signal: AbortSignal): Promise<{ items: KubeObject[]; error: unknown }> {
  const items: KubeObject[] = [];
  try {
    for await (const page of api.listPages(kind, { namespace, signal })) items.push(...page);
    return { items, error: null };
  } catch (err) {
    if (isAbort(err) || signal.aborted) throw err;
    return { items, error: err };
  }
}

export function createObjectCache(api: ClusterApi, options: CollectOptions): ObjectCache {
  const cache = new Map<ListableKind, Promise<ListOutcome>>();
  const keep = (o: KubeObject) => {
    const ns = o.metadata?.namespace;
    return !(ns && options.excludeNamespaces.includes(ns));
  };

  const keepKind = (kind: ListableKind) => (o: KubeObject) => (kind === 'namespaces' ? !options.excludeNamespaces.includes(o.metadata?.name ?? '') : keep(o));

  async function load(kind: ListableKind, signal: AbortSignal): Promise<ListOutcome> {
    const { items, error } = await listKeepingPages(api, kind, undefined, signal);
    if (!error) return { items: items.filter(keepKind(kind)), gaps: [] };
    const scope = CLUSTER_SCOPED_KINDS.has(kind) ? kind : `${kind} (all namespaces)`;
    // Pages already listed are kept: a list that broke off (410 again and again, a dead server) is partial, not empty.
    if (items.length > 0) return { items: items.filter(keepKind(kind)), gaps: [{ scope, status: 'partial', message: `${errMessage(error)}; ${items.length} objects listed before that are kept` }] };
    if (!isForbidden(error) || CLUSTER_SCOPED_KINDS.has(kind)) {
      return { items: [], gaps: [{ scope, status: isForbidden(error) ? 'forbidden' : 'failed', message: errMessage(error) }] };
    }
    return perNamespace(kind, error, signal);
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
    const { items, gaps } = await listEachNamespace(api, kind, namespaces.items, options.concurrency, signal);
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

/**
 * A kind listed namespace by namespace (when the cluster-wide list is forbidden). One slot per
 * namespace, filled in any order, read in namespace order: the same objects in the same order
 * whatever order the lists completed in (the derivation depends on it).
 */
async function listEachNamespace(api: ClusterApi, kind: ListableKind, namespaces: readonly KubeObject[], concurrency: number, signal: AbortSignal): Promise<{ items: KubeObject[]; gaps: GapLike[] }> {
  const limit = pLimit(Math.max(1, concurrency));
  // One signal for the parallel per-namespace lists, each of which listens on it.
  const local = new AbortController();
  setMaxListeners(Math.max(50, concurrency * 4), local.signal);
  const onAbort = () => local.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const perNs: KubeObject[][] = namespaces.map(() => []);
  const gaps: GapLike[] = [];
  try {
    await Promise.all(
      namespaces.map((n, i) =>
        limit(async () => {
          const ns = n.metadata?.name;
          if (!ns) return;
          const { items, error } = await listKeepingPages(api, kind, ns, local.signal);
          perNs[i] = items;
          if (!error) return;
          if (isAbort(error) || signal.aborted) throw error;
          const status = items.length > 0 ? 'partial' : isForbidden(error) ? 'forbidden' : 'failed';
          gaps.push({ scope: `${kind} in namespace ${ns}`, status, message: errMessage(error) });
        }),
      ),
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  // Stable order whatever the completion order was.
  gaps.sort((a, b) => a.scope.localeCompare(b.scope));
  return { items: perNs.flat(), gaps };
}
