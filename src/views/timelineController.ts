// The host side of one timeline panel, without VS Code: it validates every message the webview
// sends (src/core/timeline/messages.ts), answers data requests from the loaded TimelineSource,
// keeps the webview's current filter (for Export and Copy KQL), pushes "Show in Timeline"
// filters and rows, and keeps the analyst's marks in the bundle's case file (./caseStore.ts).
// src/views/timelinePanel.ts connects it to a real vscode.WebviewPanel.
import type { TimelineFilter } from '../core/timeline/filter.js';
import type { ExportFormat, HostToWebview, SourceInfo } from '../core/timeline/messages.js';
import { handleWebviewMessage, initMessage } from '../core/timeline/serve.js';
import type { TimelineSource } from '../core/timeline/source.js';
import type { Disposable, Event } from '../host/seam.js';
import type { CaseSnapshot, CaseStore } from './caseStore.js';

/** The part of vscode.Webview the controller uses. */
export interface WebviewChannel {
  postMessage(message: HostToWebview): PromiseLike<boolean>;
  onDidReceiveMessage: Event<unknown>;
}

export interface LoadedSource {
  source: TimelineSource;
  info: SourceInfo;
  /** The bundle's case file (local sources); a workspace timeline has none. */
  case?: CaseStore;
}

export interface TimelineControllerHooks {
  /** The webview asked for an export of its current filter. */
  onExport?(format: ExportFormat, filter: TimelineFilter): void;
  /** Logged: invalid messages and load failures. */
  onProblem?(message: string): void;
  /** The webview asked to put text on the clipboard. */
  onCopy?(text: string, what: string): void;
}

export class TimelineController implements Disposable {
  private source: LoadedSource | undefined;
  private loadError: string | undefined;
  private readyWaiting = false;
  /** A filter to apply at the next init (Show in Timeline before the webview was ready). */
  private pendingFilter: TimelineFilter | undefined;
  private pendingSelect: string | undefined;
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
    initialSelect?: string,
  ) {
    this.pendingFilter = initialFilter;
    this.pendingSelect = initialSelect;
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

  /** Applies a filter, and selects a row in it (Show in Timeline): now if the webview is ready, else at its init. */
  showFilter(filter: TimelineFilter, select?: string): void {
    this.filter = filter;
    if (this.ready && this.source) this.post(select ? { type: 'setFilter', filter, select } : { type: 'setFilter', filter });
    else {
      this.pendingFilter = filter;
      this.pendingSelect = select;
    }
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
      case 'copy':
        this.hooks.onCopy?.(handled.text, handled.what);
        return;
      case 'mark':
        return this.caseChange((c) => c.mark(handled.recordId, handled.edit));
      case 'saveView':
        return this.caseChange((c) => c.saveView(handled.name, handled.filter, handled.columns));
      case 'deleteView':
        return this.caseChange((c) => c.deleteView(handled.name));
      default:
        if (!this.source) {
          if ('requestId' in handled) this.post({ type: 'error', requestId: handled.requestId, message: 'The timeline is still loading.' });
          return;
        }
        if (reply) this.post(reply);
    }
  }

  private sendInit(): void {
    this.readyWaiting = false;
    const s = this.source!;
    const filter = this.pendingFilter;
    const select = this.pendingSelect;
    this.pendingFilter = undefined;
    this.pendingSelect = undefined;
    const init = initMessage(s.source, s.info, filter);
    this.post(init.type === 'init' && filter && select ? { ...init, select } : init);
    if (s.case) void s.case.get().then((c) => this.postCase(c), (err: unknown) => this.caseFailed(err));
  }

  /** A mark or view change: saved in the case file first, then the webview gets the new marks. */
  private caseChange(change: (c: CaseStore) => Promise<CaseSnapshot>): void {
    const store = this.source?.case;
    if (!store) {
      this.post({ type: 'error', message: 'Marks and views are kept in the case file beside a bundle; this timeline has no bundle.' });
      return;
    }
    void change(store).then((c) => this.postCase(c), (err: unknown) => this.caseFailed(err));
  }

  private postCase(c: CaseSnapshot): void {
    this.post({ type: 'case', marks: c.case.marks, views: c.case.views, note: c.note });
  }

  private caseFailed(err: unknown): void {
    const message = `The case file could not be read or saved: ${err instanceof Error ? err.message : String(err)}`.slice(0, 4000);
    this.hooks.onProblem?.(message);
    this.post({ type: 'error', message });
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
