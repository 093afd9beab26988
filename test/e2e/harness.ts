// End-to-end harness: the packaged .vsix installed into a real code-server (VS Code served to a
// browser, with a real Node extension host), driven through headless Chromium with playwright-core.
// code-server itself is installed and cached by scripts/e2e/setup-code-server.sh.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
export { launchChromium } from '../support/chromium.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(REPO, 'docs', 'screenshots');

export const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' } as const;
export type Theme = keyof typeof THEMES;

export interface CodeServerInstall {
  node: string;
  entry: string;
}

let install: CodeServerInstall | undefined;

/** Runs the (cached) setup script once per process and returns Node 24 and code-server's entry. */
export function ensureCodeServer(): CodeServerInstall {
  if (install) return install;
  const res = spawnSync('bash', [join(REPO, 'scripts/e2e/setup-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (res.status !== 0) throw new Error(`scripts/e2e/setup-code-server.sh failed (exit ${res.status})`);
  const last = res.stdout.trim().split('\n').pop() ?? '';
  const node = /KFS_E2E_NODE=(\S+)/.exec(last)?.[1];
  const entry = /KFS_E2E_CODE_SERVER=(\S+)/.exec(last)?.[1];
  if (!node || !entry) throw new Error(`unexpected output from setup-code-server.sh: ${last}`);
  install = { node, entry };
  return install;
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/**
 * The .vsix under test: KFS_E2E_VSIX if set, else dist/kubeforensys.vsix, rebuilt with
 * `npm run package` when it is missing or older than the sources it is made of.
 */
export function ensureVsix(): string {
  if (process.env.KFS_E2E_VSIX) return resolve(process.env.KFS_E2E_VSIX);
  const vsix = join(REPO, 'dist', 'kubeforensys.vsix');
  const sources = ['src', 'webview', 'media', 'package.json'].map((p) => join(REPO, p)).filter(existsSync);
  const stale = !existsSync(vsix) || sources.some((s) => newestMtime(s) > statSync(vsix).mtimeMs);
  if (stale) {
    const res = spawnSync('npm', ['run', 'package'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (res.status !== 0) throw new Error(`npm run package failed:\n${res.stdout}\n${res.stderr}`);
  }
  return vsix;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as AddressInfo;
  await new Promise((ok) => srv.close(ok));
  return port;
}

export interface CodeServerOptions {
  /** Extra user settings (merged over the defaults below). */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  theme?: Theme;
}

/** A running code-server with its own user data, extensions and workspace folders. */
export class CodeServer {
  private output = '';
  private constructor(
    readonly root: string,
    readonly url: string,
    private readonly proc: ChildProcess,
    private settings: Record<string, unknown>,
  ) {
    proc.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  get userDataDir(): string {
    return join(this.root, 'user-data');
  }
  get extensionsDir(): string {
    return join(this.root, 'extensions');
  }
  get workspaceDir(): string {
    return join(this.root, 'workspace');
  }
  get homeDir(): string {
    return join(this.root, 'home');
  }
  get evidenceDir(): string {
    return join(this.root, 'evidence');
  }
  /** Where the workbench opens: the workspace folder. */
  get workspaceUrl(): string {
    return `${this.url}/?folder=${encodeURIComponent(this.workspaceDir)}`;
  }

  static async start(opts: CodeServerOptions = {}): Promise<CodeServer> {
    const { node, entry } = ensureCodeServer();
    const vsix = ensureVsix();
    const root = await mkdtemp(join(tmpdir(), 'kfs-e2e-'));
    const dirs = { userData: join(root, 'user-data'), extensions: join(root, 'extensions'), workspace: join(root, 'workspace'), home: join(root, 'home') };
    await Promise.all([
      mkdir(dirs.home),
      mkdir(join(dirs.userData, 'User'), { recursive: true }),
      mkdir(join(dirs.userData, 'Machine'), { recursive: true }),
      mkdir(dirs.extensions),
      mkdir(dirs.workspace),
      mkdir(join(root, 'evidence')),
    ]);
    await writeFile(join(dirs.workspace, 'README.md'), '# incident workspace\n');
    const settings = { ...baseSettings(opts.theme ?? 'dark', join(root, 'evidence')), ...opts.settings };
    await writeSettings(dirs.userData, settings);
    // code-server otherwise writes ~/.config/code-server/config.yaml and reads a password from it.
    const config = join(root, 'config.yaml');
    await writeFile(config, 'auth: none\ncert: false\n');
    const common = ['--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
    // Its own HOME: nothing of the developer's (~/.kube/config, ~/.kubeforensys state) leaks in or is touched.
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: dirs.home, ...opts.env };
    delete env.NODE_OPTIONS; // tsx's loader must not leak into code-server's Node 24
    const inst = spawnSync(node, [entry, ...common, '--install-extension', vsix], { encoding: 'utf8', env });
    if (inst.status !== 0 || !/was successfully installed/.test(inst.stdout + inst.stderr)) {
      throw new Error(`--install-extension failed (exit ${inst.status}):\n${inst.stdout}\n${inst.stderr}`);
    }
    const port = await freePort();
    const args = [entry, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override'];
    const proc = spawn(node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const cs = new CodeServer(root, `http://127.0.0.1:${port}`, proc, settings);
    await cs.waitHealthy();
    return cs;
  }

  private async waitHealthy(): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (this.proc.exitCode !== null) throw new Error(`code-server exited (${this.proc.exitCode}):\n${this.output}`);
      try {
        const res = await fetch(`${this.url}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`code-server did not answer /healthz within 60 s:\n${this.output}`);
  }

  /** Rewrites the user settings file; the running workbench picks the change up. */
  async updateSettings(patch: Record<string, unknown>): Promise<void> {
    this.settings = { ...this.settings, ...patch };
    await writeSettings(this.userDataDir, this.settings);
  }

  /** Every extension-host log line so far (the remote extension host logs activations). */
  extensionHostLog(): string {
    const logs = join(this.userDataDir, 'logs');
    const out: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/exthost\.log$/.test(name)) out.push(readFileSync(p, 'utf8'));
      }
    };
    walk(logs);
    return out.join('\n');
  }

  /** The extension's own output channel (a log channel, written to disk by VS Code). */
  async extensionLog(): Promise<string> {
    const found: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name === 'KubeForenSys.log') found.push(p);
      }
    };
    walk(join(this.userDataDir, 'logs'));
    return (await Promise.all(found.map((p) => readFile(p, 'utf8')))).join('\n');
  }

  get serverOutput(): string {
    return this.output;
  }

  async close(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((ok) => this.proc.once('exit', ok));
      this.proc.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    }
    await rm(this.root, { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * Writes the user settings, and the same again as the remote machine's settings: code-server runs
 * the extension host as a remote one, where machine(-overridable) settings such as
 * kubeforensys.kubeconfig are read from Machine/settings.json and ignored in the user's file.
 */
async function writeSettings(userDataDir: string, settings: Record<string, unknown>): Promise<void> {
  const json = JSON.stringify(settings, null, 2);
  await Promise.all([writeFile(join(userDataDir, 'User', 'settings.json'), json), writeFile(join(userDataDir, 'Machine', 'settings.json'), json)]);
}

function baseSettings(theme: Theme, evidenceFolder: string): Record<string, unknown> {
  return {
    'workbench.colorTheme': THEMES[theme],
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'window.commandCenter': false,
    'editor.minimap.enabled': false,
    'kubeforensys.evidenceFolder': evidenceFolder,
  };
}

/** The browser side: one page on the workbench, with helpers that act as a user would. */
export class Workbench {
  /** Console errors of the page and of every frame (webviews included), e.g. CSP violations. */
  readonly consoleErrors: string[] = [];

  private constructor(
    readonly page: Page,
    readonly cs: CodeServer,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => this.consoleErrors.push(`pageerror: ${e.message}`));
  }

  static async open(browser: Browser, cs: CodeServer, viewport = { width: 1400, height: 860 }): Promise<Workbench> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(cs.workspaceUrl);
    await page.locator('.monaco-workbench').waitFor();
    // The explorer shows once the workspace folder is open: the workbench is ready to take keys.
    await page.locator('.part.activitybar').waitFor();
    const wb = new Workbench(page, cs);
    await wb.dismissNotifications();
    return wb;
  }

  /** Runs a command from the palette by its title, exactly as a user would. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
      await this.page.keyboard.press('F1');
      if (await input.isVisible().catch(() => false)) break;
      await input.waitFor({ timeout: 3000 }).catch(() => undefined);
      if (await input.isVisible()) break;
    }
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor();
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => undefined);
  }

  /** Chooses the row of an open quick pick (one the extension showed) whose text matches. */
  async chooseQuickPick(text: string | RegExp): Promise<void> {
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
    await row.waitFor();
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => undefined);
  }

  /** Clicks the KubeForenSys icon in the activity bar (this is what activates the extension lazily). */
  async openKubeForenSys(): Promise<Locator> {
    const pane = this.artifactsPane();
    if (!(await pane.isVisible().catch(() => false))) {
      await this.page.locator('.activitybar .action-item a[aria-label^="KubeForenSys"], .activitybar .action-item [aria-label^="KubeForenSys"]').first().click();
    }
    await pane.waitFor();
    return pane;
  }

  /** The Artifacts view's pane (its body holds the tree or the welcome view). */
  artifactsPane(): Locator {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: /Artifacts/i }) }).first();
  }

  /** The side bar (the KubeForenSys view container when it is open). */
  sideBar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  /** Drags the sash at the side bar's edge so long tree labels fit (for readable screenshots). */
  async widenSideBar(width: number): Promise<void> {
    const box = await this.sideBar().boundingBox();
    if (!box || box.width >= width) return;
    await this.resizeSideBar(width);
  }

  /** Drags the side bar's sash to `width` (either way), e.g. back to a usual width before a timeline screenshot. */
  async resizeSideBar(width: number): Promise<void> {
    const box = await this.sideBar().boundingBox();
    if (!box) return;
    const edge = box.x + box.width;
    for (const sash of await this.page.locator('.monaco-sash.vertical').all()) {
      const s = await sash.boundingBox();
      if (!s || Math.abs(s.x + s.width / 2 - edge) > 4 || s.height < box.height / 2) continue;
      const y = s.y + s.height / 2;
      await this.page.mouse.move(s.x + s.width / 2, y);
      await this.page.mouse.down();
      await this.page.mouse.move(box.x + width, y, { steps: 8 });
      await this.page.mouse.up();
      return;
    }
  }

  /** A row of the Artifacts tree whose label matches (the accessible name includes the description). */
  treeItem(label: string | RegExp): Locator {
    return this.artifactsPane().locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: label }) }).first();
  }

  /** The description text VS Code shows after a tree item's label. */
  async treeDescription(row: Locator): Promise<string> {
    return ((await row.locator('.label-description').first().textContent().catch(() => '')) ?? '').trim();
  }

  /** Expands a collapsed tree row (no-op when already expanded). */
  async expand(row: Locator): Promise<void> {
    await row.waitFor();
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
      await this.page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await row.elementHandle(), { timeout: 10_000 });
    }
  }

  /** A visible notification toast whose message matches. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notification-toast', { hasText: text }).first();
  }

  async dismissNotifications(): Promise<void> {
    const clear = this.page.locator('.notification-toast .codicon-notifications-clear');
    for (const btn of await clear.all()) await btn.click().catch(() => undefined);
  }

  /**
   * The content frame of the webview panel whose title matches: VS Code puts each webview in an
   * iframe (index.html), which loads the extension's page in a nested iframe (the "active frame").
   */
  async webviewFrame(titleHint = /timeline/i, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const outer of this.page.frames()) {
        if (!/\/webview\/|webview/i.test(outer.url()) || outer === this.page.mainFrame()) continue;
        for (const inner of outer.childFrames()) {
          const title = await inner.title().catch(() => '');
          const hasRoot = await inner.locator('body').count().catch(() => 0);
          if (hasRoot && (titleHint.test(title) || titleHint.test(inner.url()))) return inner;
        }
      }
      if (Date.now() > deadline) throw new Error(`no webview frame matching ${titleHint} (frames: ${this.page.frames().map((f) => f.url()).join(', ')})`);
      await sleep(200);
    }
  }

  async screenshot(name: string, target?: Locator): Promise<string> {
    await mkdir(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `${name}.png`);
    if (target) await target.screenshot({ path });
    else await this.page.screenshot({ path });
    return path;
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

/** Polls until fn returns a truthy value (for state outside the page: files, logs). */
export async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}
