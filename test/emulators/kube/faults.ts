// Fault injection: set in the scenario's `faults:` list or at run time through `emulator.faults`.
// Each fault may carry `times` (fire that many times, then disappear); without it a fault stays
// until removed, except `expireContinue`, which fires once by default so a restarted list can finish.

export type FaultSpec =
  | {
      /** 403 Forbidden for a resource ("pods", "clusterroles", "pods/exec", "pods/log", "events.events.k8s.io"). */
      type: 'forbidden';
      resource: string;
      /** API group of the resource; default "" (core), or the part after the dot in `resource`. */
      group?: string;
      /** list, get, create (exec), watch; default every verb. */
      verb?: string;
      /** cluster: only cluster-wide requests; namespaced: only requests inside a namespace; default all. */
      scope?: 'cluster' | 'namespaced' | 'all';
      /** Only requests inside these namespaces. */
      namespaces?: string[];
      times?: number;
    }
  | {
      /** 410 Expired when a continue token for a page after `afterPage` is presented. */
      type: 'expireContinue';
      resource: string;
      group?: string;
      afterPage: number;
      times?: number;
    }
  | {
      /** An error status (default 500 InternalError) for every request whose path matches. */
      type: 'error';
      path: string;
      status?: number;
      message?: string;
      method?: string;
      times?: number;
    }
  | {
      /** Delay the answer by `ms` (every request, or those whose path matches). */
      type: 'delay';
      ms: number;
      path?: string;
      times?: number;
    }
  | {
      /** Destroy the TCP connection without answering. */
      type: 'drop';
      path: string;
      times?: number;
    };

/** What the server knows about a resource request when it asks for faults. */
export interface RequestInfo {
  verb: string;
  group: string;
  plural: string;
  subresource?: string;
  namespace?: string;
}

/** A path pattern: a string starting with "^" is a regular expression, anything else a prefix. */
export function pathMatches(pattern: string, path: string): boolean {
  if (pattern.startsWith('^')) return new RegExp(pattern).test(path);
  return path.startsWith(pattern);
}

function splitResource(spec: { resource: string; group?: string }): { plural: string; subresource?: string; group: string } {
  let resource = spec.resource;
  let group = spec.group ?? '';
  const slash = resource.indexOf('/');
  const sub = slash >= 0 ? resource.slice(slash + 1) : undefined;
  if (slash >= 0) resource = resource.slice(0, slash);
  const dot = resource.indexOf('.');
  if (dot >= 0 && spec.group === undefined) {
    group = resource.slice(dot + 1);
    resource = resource.slice(0, dot);
  }
  return { plural: resource, subresource: sub, group };
}

export class FaultControl {
  private faults: FaultSpec[] = [];

  constructor(initial: readonly FaultSpec[] = []) {
    for (const f of initial) this.add(f);
  }

  /** Adds a fault; returns a function that removes it. */
  add(fault: FaultSpec): () => void {
    const f: FaultSpec = fault.type === 'expireContinue' && fault.times === undefined ? { ...fault, times: 1 } : { ...fault };
    this.faults.push(f);
    return () => {
      this.faults = this.faults.filter((x) => x !== f);
    };
  }

  clear(): void {
    this.faults = [];
  }

  list(): readonly FaultSpec[] {
    return this.faults;
  }

  forbid(resource: string, opts: Omit<Extract<FaultSpec, { type: 'forbidden' }>, 'type' | 'resource'> = {}): () => void {
    return this.add({ type: 'forbidden', resource, ...opts });
  }

  forbidExec(opts: { namespaces?: string[]; times?: number } = {}): () => void {
    return this.add({ type: 'forbidden', resource: 'pods/exec', verb: 'create', ...opts });
  }

  expireContinue(resource: string, afterPage: number, opts: { group?: string; times?: number } = {}): () => void {
    return this.add({ type: 'expireContinue', resource, afterPage, ...opts });
  }

  failPath(path: string, status = 500, message?: string): () => void {
    return this.add({ type: 'error', path, status, ...(message ? { message } : {}) });
  }

  delay(ms: number, path?: string): () => void {
    return this.add({ type: 'delay', ms, ...(path ? { path } : {}) });
  }

  drop(path: string, times?: number): () => void {
    return this.add({ type: 'drop', path, ...(times !== undefined ? { times } : {}) });
  }

  private fire<T extends FaultSpec>(f: T): T {
    if (f.times !== undefined) {
      f.times -= 1;
      if (f.times <= 0) this.faults = this.faults.filter((x) => x !== f);
    }
    return f;
  }

  /** Total delay for this request (delays add up). */
  delayFor(path: string): number {
    let ms = 0;
    for (const f of [...this.faults]) {
      if (f.type === 'delay' && (!f.path || pathMatches(f.path, path))) ms += this.fire(f).ms;
    }
    return ms;
  }

  dropFor(path: string): boolean {
    const f = this.faults.find((x) => x.type === 'drop' && pathMatches(x.path, path));
    if (f) this.fire(f);
    return !!f;
  }

  errorFor(method: string, path: string): Extract<FaultSpec, { type: 'error' }> | undefined {
    const f = this.faults.find(
      (x): x is Extract<FaultSpec, { type: 'error' }> =>
        x.type === 'error' && pathMatches(x.path, path) && (!x.method || x.method.toUpperCase() === method.toUpperCase()),
    );
    return f ? this.fire(f) : undefined;
  }

  forbiddenFor(req: RequestInfo): boolean {
    const f = this.faults.find((x) => {
      if (x.type !== 'forbidden') return false;
      const r = splitResource(x);
      if (r.plural !== req.plural || r.group !== req.group || (r.subresource ?? '') !== (req.subresource ?? '')) return false;
      if (x.verb && x.verb !== '*' && x.verb !== req.verb) return false;
      if (x.scope === 'cluster' && req.namespace !== undefined) return false;
      if (x.scope === 'namespaced' && req.namespace === undefined) return false;
      if (x.namespaces && (req.namespace === undefined || !x.namespaces.includes(req.namespace))) return false;
      return true;
    });
    if (f) this.fire(f);
    return !!f;
  }

  /** True when a continue token for `page` (2 = the second page) must be refused with 410. */
  expiredFor(group: string, plural: string, page: number): boolean {
    const f = this.faults.find((x) => {
      if (x.type !== 'expireContinue') return false;
      const r = splitResource(x);
      return r.plural === plural && r.group === group && page > x.afterPage;
    });
    if (f) this.fire(f);
    return !!f;
  }
}
