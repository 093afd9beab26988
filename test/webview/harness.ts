// Serves the REAL webview bundle (built here with esbuild) in the page timelineHtml() makes,
// under the same CSP, in headless Chromium; a stand-in for acquireVsCodeApi answers the
// typed messages from a real LocalTimeline through the same handler the host panel uses, keeps
// marks in a real case file (CaseStore) and exports through the real export module.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
export { launchChromium } from '../support/chromium.js';
import { timelineHtml, makeNonce } from '../../src/core/timeline/webviewHtml.js';
import { handleWebviewMessage, initMessage } from '../../src/core/timeline/serve.js';
import type { HostToWebview, WebviewToHost, SourceInfo } from '../../src/core/timeline/messages.js';
import type { TimelineFilter } from '../../src/core/timeline/filter.js';
import type { TimelineSource } from '../../src/core/timeline/source.js';
import { CaseStore, type CaseSnapshot } from '../../src/views/caseStore.js';
import { exportTimelineFile, type ExportResult } from '../../src/core/timeline/export.js';
import { tempDir } from '../support/tempDir.js';

let built: Promise<{ js: string; css: string }> | undefined;

/** Bundles webview/main.ts exactly as scripts/build.mjs does, once per test process. */
export function buildWebview(): Promise<{ js: string; css: string }> {
  built ??= (async () => {
    const dir = await tempDir('kfs-webview-');
    const outfile = join(dir, 'timeline.js');
    await esbuild.build({ entryPoints: ['webview/main.ts'], outfile, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning', sourcemap: false, minify: false });
    return { js: await readFile(outfile, 'utf8'), css: await readFile('media/timeline.css', 'utf8') };
  })();
  return built;
}

/** The host side: what the extension's panel does, minus VS Code. */
export class FakeHost {
  /** Every valid message the webview sent, in order. */
  readonly received: WebviewToHost[] = [];
  /** Filter the next `init` carries (the host's "Show in Timeline"), if any, and the row to select. */
  initFilter: TimelineFilter | undefined;
  initSelect: string | undefined;
  /** What the webview's Export wrote (into `exportDir`). */
  readonly exports: ExportResult[] = [];
  exportDir: string | undefined;

  constructor(
    public source: TimelineSource,
    readonly info: SourceInfo = { kind: 'local', label: 'test-bundle' },
    /** The case file (marks, views) of a bundle folder; none: marks are refused as for a workspace. */
    readonly caseStore?: CaseStore,
  ) {}

  async handle(raw: unknown): Promise<HostToWebview[]> {
    const { handled, reply } = handleWebviewMessage(this.source, raw);
    if (handled) this.received.push(handled);
    if (!handled) return reply ? [reply] : [];
    switch (handled.type) {
      case 'ready': {
        const init = initMessage(this.source, this.info, this.initFilter);
        const out: HostToWebview[] = [init.type === 'init' && this.initSelect ? { ...init, select: this.initSelect } : init];
        return this.caseStore ? [...out, await this.caseMessage(this.caseStore.get())] : out;
      }
      case 'mark':
        return [await this.caseMessage(this.store().mark(handled.recordId, handled.edit))];
      case 'saveView':
        return [await this.caseMessage(this.store().saveView(handled.name, handled.filter, handled.columns))];
      case 'deleteView':
        return [await this.caseMessage(this.store().deleteView(handled.name))];
      case 'export': {
        if (!this.exportDir) return [];
        const marks = this.caseStore ? (await this.caseStore.get()).case.marks : {};
        const path = join(this.exportDir, `export-${this.exports.length}.jsonl`);
        this.exports.push(await exportTimelineFile({ source: this.source, filter: handled.filter, format: handled.format, path, marks, origin: { kind: 'local', label: this.info.label, snapshotId: 'snap-test', manifestDigest: 'digest-test' } }));
        return [];
      }
      default:
        return reply ? [reply] : [];
    }
  }

  private store(): CaseStore {
    if (!this.caseStore) throw new Error('no case store');
    return this.caseStore;
  }

  private async caseMessage(p: Promise<CaseSnapshot>): Promise<HostToWebview> {
    const c = await p;
    return { type: 'case', marks: c.case.marks, views: c.case.views, note: c.note };
  }

  lastFilter(): TimelineFilter | undefined {
    for (let i = this.received.length - 1; i >= 0; i--) {
      const m = this.received[i];
      if (m.type === 'setFilter') return m.filter;
    }
    return undefined;
  }

  last<T extends WebviewToHost['type']>(type: T): Extract<WebviewToHost, { type: T }> | undefined {
    for (let i = this.received.length - 1; i >= 0; i--) if (this.received[i]!.type === type) return this.received[i] as Extract<WebviewToHost, { type: T }>;
    return undefined;
  }
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on the loopback serving the page, the bundle and the style sheet. */
export async function serve(): Promise<Served> {
  const { js, css } = await buildWebview();
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      const html = timelineHtml({ scriptUri: `${origin}/timeline.js`, styleUris: [`${origin}/timeline.css`], cspSource: origin, nonce: makeNonce() });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
    } else if (path === '/timeline.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else if (path === '/timeline.css') res.writeHead(200, { 'content-type': 'text/css' }).end(css);
    else if (path === '/favicon.ico') res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Runs in the page before the bundle: VS Code's API as the webview sees it. State goes to
// localStorage so it survives a reload, as VS Code keeps it across a webview reload.
const STUB = `(() => {
  window.__kfsCsp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__kfsCsp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage(m) {
        window.__kfsToHost(m).then((replies) => {
          for (const reply of replies) window.dispatchEvent(new MessageEvent('message', { data: reply }));
        });
      },
      getState() {
        const s = localStorage.getItem('kfs-state');
        return s ? JSON.parse(s) : undefined;
      },
      setState(s) {
        localStorage.setItem('kfs-state', JSON.stringify(s));
      },
    };
  };
})();`;

/** A page wired to `host`; page errors are collected for the tests to assert on. */
export async function openTimeline(browser: Browser, served: Served, host: FakeHost, viewport = { width: 1400, height: 800 }, timezoneId?: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, ...(timezoneId ? { timezoneId } : {}) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.exposeFunction('__kfsToHost', (m: unknown) => host.handle(m));
  await page.addInitScript(STUB);
  await page.goto(served.url);
  return { page, errors };
}

/** CSP violations the page reported (must stay empty: the bundle needs nothing the policy forbids). */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __kfsCsp: string[] }).__kfsCsp);
}
