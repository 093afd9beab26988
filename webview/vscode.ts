// The webview side of the channel: typed send, validated receive, persisted state, and a
// promise per request: `request` numbers the message, and the host's answer with that number
// (or an error naming it) settles the promise. Messages the host sends on its own (init,
// setFilter, case, errors without a request) go to the `onMessage` handler.
import type { HostToWebview, WebviewToHost } from '../src/core/timeline/messages.js';
import { parseHostMessage } from '../src/core/timeline/messages.js';
import { parseSaved, type SavedState } from './state.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Requests and the answer each gets. */
interface Replies {
  query: Extract<HostToWebview, { type: 'queryResult' }>;
  histogram: Extract<HostToWebview, { type: 'histogramResult' }>;
  details: Extract<HostToWebview, { type: 'detailsResult' }>;
  locate: Extract<HostToWebview, { type: 'locateResult' }>;
}
type RequestType = keyof Replies;
/** A request as the caller writes it: the channel adds the requestId. */
type Request = Extract<WebviewToHost, { type: RequestType }> extends infer M ? (M extends unknown ? Omit<M, 'requestId'> : never) : never;
const REPLY_TYPES: Record<Replies[RequestType]['type'], true> = { queryResult: true, histogramResult: true, detailsResult: true, locateResult: true };

/** The host answered a request with an error message. */
export class HostError extends Error {
  override name = 'HostError';
}

export class HostChannel {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (msg: HostToWebview) => void; reject: (err: Error) => void }>();
  private handler: (msg: HostToWebview) => void = () => undefined;

  constructor() {
    window.addEventListener('message', (e: MessageEvent) => this.receive(e.data));
  }

  /** A message that expects no answer. */
  post(msg: Exclude<WebviewToHost, { type: RequestType }>): void {
    this.api.postMessage(msg);
  }

  /** Sends a request; resolves with the host's answer to it, rejects with a HostError. */
  request<M extends Request>(msg: M): Promise<Replies[M['type']]> {
    const requestId = this.nextId++;
    return new Promise<Replies[M['type']]>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (m: HostToWebview) => void, reject });
      this.api.postMessage({ ...msg, requestId });
    });
  }

  /** Requests still waiting for an answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  onMessage(handler: (msg: HostToWebview) => void): void {
    this.handler = handler;
  }

  private receive(data: unknown): void {
    let msg: HostToWebview;
    try {
      msg = parseHostMessage(data);
    } catch (err) {
      console.warn('KubeForenSys timeline: ignored an invalid message', (err as Error).message);
      return;
    }
    const id = 'requestId' in msg ? msg.requestId : undefined;
    const waiting = id === undefined ? undefined : this.pending.get(id);
    if (!waiting || (msg.type !== 'error' && !Object.hasOwn(REPLY_TYPES, msg.type))) return this.handler(msg);
    this.pending.delete(id!);
    if (msg.type === 'error') waiting.reject(new HostError(msg.message));
    else waiting.resolve(msg);
  }

  /** The saved state, or undefined when there is none or it no longer validates. */
  loadState(): SavedState | undefined {
    return parseSaved(this.api.getState());
  }

  saveState(state: SavedState): void {
    this.api.setState(state);
  }
}
