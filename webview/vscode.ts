// The webview side of the channel: typed send, validated receive, persisted state.
import type { HostToWebview, WebviewToHost } from '../src/core/timeline/messages.js';
import { parseHostMessage } from '../src/core/timeline/messages.js';
import { parseSaved, type SavedState } from './state.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

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
    return parseSaved(this.api.getState());
  }

  saveState(state: SavedState): void {
    this.api.setState(state);
  }
}
