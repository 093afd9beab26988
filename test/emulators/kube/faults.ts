// Fault injection: set in the scenario's `faults:` list or at run time through `emulator.faults`.
// Each fault may carry `times` (fire that many times, then disappear); without it a fault stays
// until removed, except `expireContinue`, which fires once by default so a restarted list can finish.

/** 403 Forbidden for a resource ("pods", "clusterroles", "pods/exec", "pods/log", "events.events.k8s.io"). */
export interface ForbiddenFault {
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

/**
 * 410 Expired when a continue token for a page after `afterPage` (default 1) is presented. Only
 * continue requests are refused: a real server never expires a list started from the beginning.
 * Fires once unless `times` says otherwise.
 */
export interface ExpireContinueFault {
  type: 'expireContinue';
  resource: string;
  group?: string;
  afterPage?: number;
  times?: number;
}

/**
 * An error Status for every request whose path matches (default every request). The reason
 * follows the code as the apiserver's own errors do (429 TooManyRequests, 500 InternalError,
 * 503 ServiceUnavailable, 504 Timeout, ...) unless `reason` is given. `retryAfter` (seconds) is
 * sent as the Retry-After header and as details.retryAfterSeconds.
 */
export interface ErrorFault {
  type: 'error';
  path?: string;
  status?: number;
  reason?: string;
  message?: string;
  retryAfter?: number;
  /**
   * `status` (default): a metav1.Status JSON body. `text`: what the max-in-flight and API Priority
   * and Fairness filters really send for their 429: text/plain "Too many requests, please try
   * again later." with Retry-After, no Status at all.
   */
  body?: 'status' | 'text';
  method?: string;
  times?: number;
}

/**
 * Hold every matching request `ms` before answering (a laptop talking to a cloud API server:
 * 25 ms). `delay` is the same fault under its older name. Several matching faults add up.
 */
export interface LatencyFault {
  type: 'latency' | 'delay';
  ms: number;
  path?: string;
  times?: number;
}

/** Send a matching response's body at no more than `bytesPerSecond`. */
export interface BandwidthFault {
  type: 'bandwidth';
  bytesPerSecond: number;
  path?: string;
  times?: number;
}

/**
 * Send the status line, the headers and exactly `afterBytes` bytes of a matching response's
 * body, then destroy the connection. A body shorter than that is cut before its end all the same,
 * so every firing is a failed response.
 */
export interface ResetFault {
  type: 'reset';
  afterBytes: number;
  path?: string;
  times?: number;
}

/** Send a matching response's body in pieces of `chunkBytes` (default 1), `intervalMs` apart. */
export interface TrickleFault {
  type: 'trickle';
  chunkBytes?: number;
  intervalMs: number;
  path?: string;
  times?: number;
}

/** Destroy the TCP connection without answering. */
export interface DropFault {
  type: 'drop';
  path?: string;
  times?: number;
}

export type FaultSpec =
  | ForbiddenFault
  | ExpireContinueFault
  | ErrorFault
  | LatencyFault
  | BandwidthFault
  | ResetFault
  | TrickleFault
  | DropFault;

/** How a response body must be sent (the faults that fired for it). */
export interface BodyShaping {
  reset?: ResetFault;
  trickle?: TrickleFault;
  bandwidth?: BandwidthFault;
}

/** What the server knows about a resource request when it asks for faults. */
export interface RequestInfo {
  verb: string;
  group: string;
  plural: string;
  subresource?: string;
  namespace?: string;
}

const compiled = new Map<string, RegExp>();

/** A path pattern: a string starting with "^" is a regular expression, anything else a prefix. */
export function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.startsWith('^')) return path.startsWith(pattern);
  // Compiled once: a latency fault is checked on every one of thousands of requests.
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = new RegExp(pattern)));
  return re.test(path);
}

const matches = (pattern: string | undefined, path: string) => pattern === undefined || pathMatches(pattern, path);

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

const REQUIRED: Record<FaultSpec['type'], readonly string[]> = {
  forbidden: ['resource'],
  expireContinue: ['resource'],
  error: [],
  latency: ['ms'],
  delay: ['ms'],
  bandwidth: ['bytesPerSecond'],
  reset: ['afterBytes'],
  trickle: ['intervalMs'],
  drop: [],
};

/** Refuses a fault a scenario file got wrong, rather than letting it silently never fire. */
export function checkFault(f: unknown): FaultSpec {
  const o = (f ?? {}) as Record<string, unknown>;
  const type = o.type as FaultSpec['type'];
  const required = REQUIRED[type];
  if (!required) throw new Error(`unknown fault type ${JSON.stringify(o.type)} (one of ${Object.keys(REQUIRED).join(', ')})`);
  for (const k of required) if (o[k] === undefined) throw new Error(`a ${type} fault needs ${k}`);
  for (const k of ['ms', 'bytesPerSecond', 'afterBytes', 'intervalMs', 'chunkBytes', 'times', 'retryAfter', 'status', 'afterPage']) {
    if (o[k] !== undefined && (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || (o[k] as number) < 0)) {
      throw new Error(`${type} fault: ${k} must be a non-negative number`);
    }
  }
  if (type === 'bandwidth' && (o.bytesPerSecond as number) <= 0) throw new Error('bandwidth fault: bytesPerSecond must be positive');
  if (type === 'trickle' && o.chunkBytes !== undefined && (o.chunkBytes as number) < 1) throw new Error('trickle fault: chunkBytes must be at least 1');
  return o as unknown as FaultSpec;
}

type Of<T extends FaultSpec['type']> = Extract<FaultSpec, { type: T }>;
type Opts<T extends FaultSpec['type'], K extends string> = Omit<Of<T>, 'type' | K>;

export class FaultControl {
  private faults: FaultSpec[] = [];

  constructor(initial: readonly FaultSpec[] = []) {
    for (const f of initial) this.add(f);
  }

  /** Adds a fault; returns a function that removes it. */
  add(fault: FaultSpec): () => void {
    checkFault(fault);
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

  forbid(resource: string, opts: Opts<'forbidden', 'resource'> = {}): () => void {
    return this.add({ type: 'forbidden', resource, ...opts });
  }

  forbidExec(opts: { namespaces?: string[]; times?: number } = {}): () => void {
    return this.add({ type: 'forbidden', resource: 'pods/exec', verb: 'create', ...opts });
  }

  expireContinue(resource: string, afterPage = 1, opts: { group?: string; times?: number } = {}): () => void {
    return this.add({ type: 'expireContinue', resource, afterPage, ...opts });
  }

  failPath(path: string, status = 500, message?: string): () => void {
    return this.add({ type: 'error', path, status, ...(message ? { message } : {}) });
  }

  /** 429 TooManyRequests with Retry-After, as API Priority and Fairness answers under load. */
  throttle(opts: Opts<'error', 'status'> = {}): () => void {
    return this.add({ type: 'error', status: 429, retryAfter: 1, ...opts });
  }

  delay(ms: number, path?: string): () => void {
    return this.add({ type: 'delay', ms, ...(path ? { path } : {}) });
  }

  latency(ms: number, opts: Opts<'latency', 'ms'> = {}): () => void {
    return this.add({ type: 'latency', ms, ...opts });
  }

  bandwidth(bytesPerSecond: number, opts: Opts<'bandwidth', 'bytesPerSecond'> = {}): () => void {
    return this.add({ type: 'bandwidth', bytesPerSecond, ...opts });
  }

  reset(afterBytes: number, opts: Opts<'reset', 'afterBytes'> = {}): () => void {
    return this.add({ type: 'reset', afterBytes, ...opts });
  }

  trickle(opts: Opts<'trickle', never>): () => void {
    return this.add({ type: 'trickle', ...opts });
  }

  drop(path?: string, times?: number): () => void {
    return this.add({ type: 'drop', ...(path !== undefined ? { path } : {}), ...(times !== undefined ? { times } : {}) });
  }

  private fire<T extends FaultSpec>(f: T): T {
    if (f.times !== undefined) {
      f.times -= 1;
      if (f.times <= 0) this.faults = this.faults.filter((x) => x !== f);
    }
    return f;
  }

  /** The first fault of `type` whose path matches, fired (its `times` used up by one). */
  private first<T extends 'error' | 'bandwidth' | 'reset' | 'trickle' | 'drop'>(type: T, path: string, also?: (f: Of<T>) => boolean): Of<T> | undefined {
    const f = this.faults.find((x): x is Of<T> => x.type === type && matches(x.path, path) && (!also || also(x as Of<T>)));
    return f ? this.fire(f) : undefined;
  }

  /** Total latency for this request (latency and delay faults add up). */
  delayFor(path: string): number {
    let ms = 0;
    for (const f of [...this.faults]) {
      if ((f.type === 'delay' || f.type === 'latency') && matches(f.path, path)) ms += this.fire(f).ms;
    }
    return ms;
  }

  dropFor(path: string): boolean {
    return !!this.first('drop', path);
  }

  errorFor(method: string, path: string): ErrorFault | undefined {
    return this.first('error', path, (x) => !x.method || x.method.toUpperCase() === method.toUpperCase());
  }

  /** The body faults for one response: each kind fires at most once per response. */
  shapingFor(path: string): BodyShaping {
    const shaping: BodyShaping = {};
    const reset = this.first('reset', path);
    const trickle = this.first('trickle', path);
    const bandwidth = this.first('bandwidth', path);
    if (reset) shaping.reset = reset;
    if (trickle) shaping.trickle = trickle;
    if (bandwidth) shaping.bandwidth = bandwidth;
    return shaping;
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
      return r.plural === plural && r.group === group && page > (x.afterPage ?? 1);
    });
    if (f) this.fire(f);
    return !!f;
  }
}
