// Test doubles for the seam (src/host/seam.ts): a UI that records what it showed and answers
// from scripted handlers, settings with user/workspace scopes, an in-memory state store.
import type {
  CancellationTokenLike,
  ConfigReader,
  InspectedSetting,
  LogChannel,
  PickItem,
  ProgressReporter,
  QuickPickOptions,
  StateStore,
  UiHost,
  WorkspaceInfo,
} from '../../src/host/seam.js';
import type { CommandContext, TimelinePanels, TimelineSourceSpec } from '../../src/host/context.js';
import { runCancellable, type CancellableOptions, type CancellableTask } from '../../src/host/cancellable.js';
import { commandHandlers, guarded } from '../../src/commands/registerCommands.js';
import type { CommandId } from '../../src/host/ids.js';
import { defaultCoreServices, type CoreServices } from '../../src/host/services.js';
import { ExtensionState } from '../../src/host/state.js';
import { Emitter } from '../../src/host/emitter.js';
import type { TimelineFilter } from '../../src/core/timeline/filter.js';
import type { TimelineSource } from '../../src/core/timeline/source.js';

export interface Shown {
  level: 'info' | 'warning' | 'error';
  message: string;
  buttons: string[];
}

export class FakeToken implements CancellationTokenLike {
  private readonly emitter = new Emitter<unknown>();
  isCancellationRequested = false;
  onCancellationRequested = this.emitter.event;
  cancel(): void {
    this.isCancellationRequested = true;
    this.emitter.fire(undefined);
  }
}

export class FakeUi implements UiHost {
  shown: Shown[] = [];
  progress: { title: string; cancellable: boolean; reports: { message?: string; increment?: number }[]; token: FakeToken }[] = [];
  picks: { items: PickItem[]; opts?: QuickPickOptions }[] = [];
  opened: string[] = [];
  openedFiles: string[] = [];
  revealed: string[] = [];
  clipboard = '';
  commands: { id: string; args: unknown[] }[] = [];
  contextKeys = new Map<string, unknown>();
  /** Answers a message's buttons; default: dismiss. */
  answer: (s: Shown) => string | undefined = () => undefined;
  /** Answers a QuickPick; default: dismiss. */
  pick: (items: readonly PickItem[], opts?: QuickPickOptions) => PickItem | PickItem[] | undefined = () => undefined;
  folder: string | undefined;
  saveFile: string | undefined;
  /** Called once the progress task has started, with its token (to cancel it mid-way). */
  onProgressStart: (token: FakeToken, title: string) => void = () => undefined;

  withCancellable<T>(title: string, task: CancellableTask<T>, opts?: CancellableOptions): Promise<T> {
    return runCancellable((o, t) => this.withProgress(o, t), title, task, opts);
  }
  async withProgress<T>(opts: { title: string; cancellable: boolean }, task: (p: ProgressReporter, t: CancellationTokenLike) => Promise<T>): Promise<T> {
    const token = new FakeToken();
    const entry = { ...opts, reports: [] as { message?: string; increment?: number }[], token };
    this.progress.push(entry);
    const p = task({ report: (v) => entry.reports.push(v) }, token);
    this.onProgressStart(token, opts.title);
    return p;
  }
  private show(level: Shown['level'], message: string, buttons: string[]): Promise<string | undefined> {
    const s = { level, message, buttons };
    this.shown.push(s);
    return Promise.resolve(this.answer(s));
  }
  showInformationMessage(m: string, ...b: string[]) {
    return this.show('info', m, b);
  }
  showWarningMessage(m: string, ...b: string[]) {
    return this.show('warning', m, b);
  }
  showErrorMessage(m: string, ...b: string[]) {
    return this.show('error', m, b);
  }
  showQuickPick = (async (items: readonly PickItem[], opts?: QuickPickOptions) => {
    this.picks.push({ items: [...items], opts });
    return this.pick(items, opts);
  }) as UiHost['showQuickPick'];
  async pickFolder() {
    return this.folder;
  }
  async pickSaveFile() {
    return this.saveFile;
  }
  async writeClipboard(t: string) {
    this.clipboard = t;
  }
  async openVirtualDocument(uri: string) {
    this.opened.push(uri);
  }
  async openFile(p: string) {
    this.openedFiles.push(p);
  }
  async revealInOs(p: string) {
    this.revealed.push(p);
  }
  async executeCommand(id: string, ...args: unknown[]) {
    this.commands.push({ id, args });
    return undefined;
  }
  async setContext(key: string, value: unknown) {
    this.contextKeys.set(key, value);
  }
}

/** Settings with a user (global) and a workspace value per key. */
export class FakeConfig implements ConfigReader {
  constructor(
    public user: Record<string, unknown> = {},
    public workspace: Record<string, unknown> = {},
  ) {}
  inspect<T>(section: string): InspectedSetting<T> | undefined {
    return { globalValue: this.user[section] as T | undefined, workspaceValue: this.workspace[section] as T | undefined };
  }
}

export class MemoryStore implements StateStore {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, structuredClone(value));
  }
}

export class FakeLog implements LogChannel {
  lines: string[] = [];
  shown = 0;
  info(m: string) {
    this.lines.push(`info ${m}`);
  }
  warn(m: string) {
    this.lines.push(`warn ${m}`);
  }
  error(m: string) {
    this.lines.push(`error ${m}`);
  }
  show() {
    this.shown++;
  }
}

export class FakePanels implements TimelinePanels {
  opened: { source: TimelineSourceSpec; filter?: TimelineFilter; select?: string }[] = [];
  filter: TimelineFilter | undefined;
  async open(source: TimelineSourceSpec, filter?: TimelineFilter, select?: string) {
    this.opened.push(select ? { source, filter, select } : { source, filter });
    if (filter) this.filter = filter;
  }
  currentFilter() {
    return this.filter;
  }
  currentSource() {
    return this.opened.at(-1)?.source;
  }
  data: TimelineSource | undefined;
  currentData() {
    return this.data;
  }
}

export interface TestContext extends CommandContext {
  ui: FakeUi;
  log: FakeLog;
  timeline: FakePanels;
  config: FakeConfig;
  store: MemoryStore;
  workspace: WorkspaceInfo & { isTrusted: boolean };
}

/** A CommandContext over fakes and the REAL core services unless some are overridden. */
export function testContext(opts: { core?: Partial<CoreServices>; trusted?: boolean; user?: Record<string, unknown>; workspace?: Record<string, unknown>; env?: NodeJS.ProcessEnv; home?: string; evidence?: string } = {}): TestContext {
  const config = new FakeConfig(opts.user ?? {}, opts.workspace ?? {});
  const store = new MemoryStore();
  const workspace = { isTrusted: opts.trusted ?? true, config };
  return {
    ui: new FakeUi(),
    workspace,
    state: new ExtensionState(store),
    log: new FakeLog(),
    // No provisioned workspace unless a test says so (the real check reads the user's state file).
    core: { ...defaultCoreServices(), hasWorkspace: async () => false, ...opts.core },
    timeline: new FakePanels(),
    auth: { getToken: async () => ({ token: 'test', expiresOnTimestamp: Date.now() + 60_000 }) },
    defaultEvidenceFolder: opts.evidence ?? '/nonexistent/evidence',
    kubernetesExtensionKubeconfig: async () => undefined,
    env: opts.env ?? {},
    home: opts.home ?? '/nonexistent/home',
    config,
    store,
  };
}

/**
 * Runs a command the way VS Code does once it is registered: arguments unwrapped and checked,
 * failures and cancels reported by the registrar (src/commands/registerCommands.ts).
 */
export function runCommand(cc: CommandContext, id: CommandId, ...args: unknown[]): Promise<unknown> {
  return guarded(cc, id, commandHandlers({ refresh: () => undefined })[id])(...args);
}
