// The timeline webview panel: one panel, its HTML (strict CSP, nonce'd bundle) from
// src/core/timeline/webviewHtml.ts, a TimelineController answering the webview, and a
// WebviewPanelSerializer so the panel (and, through the webview's own state, its filters)
// comes back after a reload.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { emptyFilter, type TimelineFilter } from '../core/timeline/filter.js';
import { makeNonce, timelineHtml } from '../core/timeline/webviewHtml.js';
import type { TimelineSource } from '../core/timeline/source.js';
import { CMD, TIMELINE_VIEW_TYPE } from '../host/ids.js';
import type { CommandContext, TimelinePanels, TimelineSourceSpec } from '../host/context.js';
import { TimelineController, type LoadedSource } from './timelineController.js';
import { loadTimelineSource } from './timelineSources.js';

const LAST_SOURCE_KEY = 'kubeforensys.timelineSource';

interface OpenPanel {
  panel: vscode.WebviewPanel;
  source: TimelineSourceSpec;
  controller: TimelineController;
}

export class TimelinePanelHost implements TimelinePanels, vscode.WebviewPanelSerializer, vscode.Disposable {
  private current: OpenPanel | undefined;
  private cc: CommandContext | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly workspaceState: vscode.Memento,
  ) {}

  /** The command context is built after the panel host (it holds the host): attach it here. */
  attach(cc: CommandContext): void {
    this.cc = cc;
  }

  currentFilter(): TimelineFilter | undefined {
    return this.current?.controller.currentFilter;
  }

  currentSource(): TimelineSourceSpec | undefined {
    return this.current?.source;
  }

  currentData(): TimelineSource | undefined {
    return this.current?.controller.data;
  }

  async open(source: TimelineSourceSpec, filter?: TimelineFilter, select?: string): Promise<void> {
    const same = this.current && JSON.stringify(this.current.source) === JSON.stringify(source);
    if (this.current && same) {
      this.current.panel.reveal();
      if (filter) this.current.controller.showFilter(filter, select);
      return;
    }
    const reused = this.current?.panel;
    const panel = reused ?? vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, 'KubeForenSys Timeline', vscode.ViewColumn.Active, this.webviewOptions());
    // Another source in the same panel starts unfiltered: the webview's saved filters named the old data.
    this.attachPanel(panel, source, filter ?? (reused ? emptyFilter() : undefined), select);
    panel.reveal();
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, _state: unknown): Promise<void> {
    // The webview keeps its filter in its own state; the host only needs to know the source.
    const source = this.workspaceState.get<TimelineSourceSpec>(LAST_SOURCE_KEY);
    if (!source || (source.kind === 'local' && !existsSync(source.bundleDir))) {
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    this.attachPanel(panel, source, undefined);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: true,
      // The webview restores itself from its state; no need to keep it alive when hidden.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attachPanel(panel: vscode.WebviewPanel, source: TimelineSourceSpec, filter: TimelineFilter | undefined, select?: string): void {
    this.current?.controller.dispose();
    const cc = this.cc;
    const controller = new TimelineController(
      {
        postMessage: (m) => panel.webview.postMessage(m),
        onDidReceiveMessage: (listener) => panel.webview.onDidReceiveMessage(listener),
      },
      () => this.load(source),
      filter,
      {
        onExport: (format, f) => void vscode.commands.executeCommand(CMD.exportTimeline, format, f),
        onProblem: (m) => cc?.log.warn(`timeline: ${m}`),
        onCopy: (text, what) => {
          void vscode.env.clipboard.writeText(text);
          vscode.window.setStatusBarMessage(`KubeForenSys: copied the ${what.toLowerCase()} to the clipboard`, 3000);
        },
      },
      select,
    );
    const entry: OpenPanel = { panel, source, controller };
    this.current = entry;
    void this.workspaceState.update(LAST_SOURCE_KEY, source);
    panel.title = source.kind === 'local' ? `Timeline: ${basename(source.bundleDir)}` : 'Timeline: Log Analytics';
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'kubeforensys.svg');
    panel.webview.html = this.html(panel.webview);
    panel.onDidDispose(() => {
      controller.dispose();
      if (this.current === entry) this.current = undefined;
    });
  }

  private html(webview: vscode.Webview): string {
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    const has = (...p: string[]) => existsSync(vscode.Uri.joinPath(this.extensionUri, ...p).fsPath);
    const styles = [['media', 'timeline.css'], ['dist', 'webview', 'timeline.css']].filter((p) => has(...p)).map((p) => asUri(...p));
    return timelineHtml({ scriptUri: asUri('dist', 'webview', 'timeline.js'), styleUris: styles, cspSource: webview.cspSource, nonce: makeNonce() });
  }

  private async load(source: TimelineSourceSpec): Promise<LoadedSource> {
    const cc = this.cc;
    if (!cc) throw new Error('the extension is not ready');
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'KubeForenSys: loading timeline' }, () => loadTimelineSource(cc, source));
  }

  dispose(): void {
    this.current?.controller.dispose();
    this.current?.panel.dispose();
  }
}
