// The host side of one timeline panel, without VS Code: it validates every message the webview
// sends (src/core/timeline/messages.ts), answers data requests from the loaded TimelineSource,
// keeps the webview's current filter (for Export and Copy KQL), and pushes "Show in Timeline"
// filters. src/views/timelinePanel.ts connects it to a real vscode.WebviewPanel.
import type { TimelineFilter } from '../core/timeline/filter.js';
import type { ExportFormat, HostToWebview, SourceInfo } from '../core/timeline/messages.js';
import { handleWebviewMessage, initMessage } from '../core/timeline/serve.js';
import type { TimelineSource } from '../core/timeline/source.js';
import type { Disposable, Event } from '../commands/seam.js';

/** The part of vscode.Webview the controller uses. */
export interface WebviewChannel {
  postMessage(message: HostToWebview): PromiseLike<boolean>;
  onDidReceiveMessage: Event<unknown>;
}

export interface LoadedSource {
  source: TimelineSource;
  info: SourceInfo;
}

export interface TimelineControllerHooks {
  /** The webview asked for an export of its current filter. */
  onExport?(format: ExportFormat, filter: TimelineFilter): void;
  /** Logged: invalid messages and load failures. */
  onProblem?(message: string): void;
}

export class TimelineController implements Disposable {
  private source: LoadedSource | undefined;
  private loadError: string | undefined;
  private readyWaiting = false;
  /** A filter to apply at the next init (Show in Timeline before the webview was ready). */
  private pendingFilter: TimelineFilter | undefined;
  private filter: TimelineFilter | undefined;
  private readonly sub: Disposable;
  private ready = false;
  /** Resolves when the source is loaded (or failed to load). */
  readonly loaded: Promise<void>;

  constructor(
    private readonly channel: WebviewChannel,
    load: () => Promise<LoadedSource>,
    initialFilter: TimelineFilter | undefined,
    private readonly hooks: TimelineControllerHooks = {},
  ) {
    this.pendingFilter = initialFilter;
    this.filter = initialFilter;
    this.sub = channel.onDidReceiveMessage((raw) => this.receive(raw));
    this.loaded = load().then(
      (s) => {
        this.source = s;
        if (this.readyWaiting) this.sendInit();
      },
      (err: unknown) => {
        this.loadError = err instanceof Error ? err.message : String(err);
        this.hooks.onProblem?.(`timeline source failed to load: ${this.loadError}`);
        if (this.readyWaiting) this.post({ type: 'error', message: `The timeline could not be loaded: ${this.loadError}`.slice(0, 4000) });
      },
    );
  }

  /** The filter the webview last reported (or the one it was opened with). */
  get currentFilter(): TimelineFilter | undefined {
    return this.filter;
  }

  get sourceInfo(): SourceInfo | undefined {
    return this.source?.info;
  }

  /** The loaded data, once loaded. */
  get data(): TimelineSource | undefined {
    return this.source?.source;
  }

  /** Applies a filter (Show in Timeline): now if the webview is ready, else at its init. */
  showFilter(filter: TimelineFilter): void {
    this.filter = filter;
    if (this.ready && this.source) this.post({ type: 'setFilter', filter });
    else this.pendingFilter = filter;
  }

  private receive(raw: unknown): void {
    const placeholder: TimelineSource = this.source?.source ?? EMPTY_SOURCE;
    const { handled, reply } = handleWebviewMessage(placeholder, raw);
    if (!handled) {
      this.hooks.onProblem?.(reply && reply.type === 'error' ? reply.message : 'rejected a message from the webview');
      if (reply) this.post(reply);
      return;
    }
    switch (handled.type) {
      case 'ready':
        // A webview reload (or a restored panel) sends ready again: answer every time.
        this.ready = true;
        if (this.source) this.sendInit();
        else if (this.loadError) this.post({ type: 'error', message: `The timeline could not be loaded: ${this.loadError}`.slice(0, 4000) });
        else this.readyWaiting = true;
        return;
      case 'setFilter':
        this.filter = handled.filter;
        return;
      case 'export':
        this.filter = handled.filter;
        this.hooks.onExport?.(handled.format, handled.filter);
        return;
      default:
        if (!this.source) {
          this.post({ type: 'error', requestId: handled.requestId, message: 'The timeline is still loading.' });
          return;
        }
        if (reply) this.post(reply);
    }
  }

  private sendInit(): void {
    this.readyWaiting = false;
    const s = this.source!;
    const filter = this.pendingFilter;
    this.pendingFilter = undefined;
    this.post(initMessage(s.source, s.info, filter));
  }

  private post(msg: HostToWebview): void {
    void Promise.resolve(this.channel.postMessage(msg)).catch(() => undefined);
  }

  dispose(): void {
    this.sub.dispose();
  }
}

/** Answers nothing; only used to validate messages before the real source is loaded. */
const EMPTY_SOURCE: TimelineSource = {
  size: 0,
  query: () => ({ total: 0, rows: [] }),
  histogram: () => ({ start: 0, bucketMs: 1, buckets: 0, series: [], undated: 0, total: 0 }),
  facets: () => ({ total: 0, namespaces: [], pods: [], containers: [], workloads: [], sourceTables: [], eventTypes: [], severities: [], timeSources: [], timeRange: null, defaultRange: null }),
  row: () => undefined,
};
