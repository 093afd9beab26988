// The webview side of the channel: typed send, validated receive, persisted state.
import type { HostToWebview, WebviewToHost } from '../src/core/timeline/messages.js';
import { parseHostMessage, validateFilter } from '../src/core/timeline/messages.js';
import type { TimelineFilter } from '../src/core/timeline/filter.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What the webview persists across reloads (VS Code keeps it while the panel lives, and the serializer restores it). */
export interface SavedState {
  v: 1;
  filter: TimelineFilter;
  selected: string | null;
}

export class HostChannel {
  private readonly api: VsCodeApi = acquireVsCodeApi();

  post(msg: WebviewToHost): void {
    this.api.postMessage(msg);
  }

  onMessage(handler: (msg: HostToWebview) => void): void {
    window.addEventListener('message', (e: MessageEvent) => {
      let msg: HostToWebview;
      try {
        msg = parseHostMessage(e.data);
      } catch (err) {
        console.warn('KubeForenSys timeline: ignored an invalid message', (err as Error).message);
        return;
      }
      handler(msg);
    });
  }

  /** The saved state, or undefined when there is none or it no longer validates. */
  loadState(): SavedState | undefined {
    const s = this.api.getState() as Partial<SavedState> | undefined;
    if (!s || s.v !== 1) return undefined;
    try {
      return { v: 1, filter: validateFilter(s.filter, 'state.filter'), selected: typeof s.selected === 'string' ? s.selected : null };
    } catch {
      return undefined;
    }
  }

  saveState(state: SavedState): void {
    this.api.setState(state);
  }
}
