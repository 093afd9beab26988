// A stand-in for the `vscode` module, bundled in place of it (esbuild alias) so src/extension.ts
// can be activated in plain Node. It implements only what activation and the tree adapter touch,
// and records every registration in `recorder`.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

type Listener = (e: any) => any;
class EventEmitter<T> {
  private ls = new Set<Listener>();
  event = (l: (e: T) => any) => {
    this.ls.add(l);
    return { dispose: () => this.ls.delete(l) };
  };
  fire(e: T) {
    for (const l of this.ls) l(e);
  }
}

function makeRecorder() {
  return {
  commands: new Map<string, (...args: any[]) => any>(),
  treeViews: [] as { id: string; options: any; view: any; checkbox: EventEmitter<any> }[],
  serializers: [] as string[],
  schemes: new Map<string, any>(),
  channels: [] as { name: string; options: any; lines: string[] }[],
  statusItems: [] as any[],
  contextKeys: new Map<string, unknown>(),
  messages: [] as string[],
  settings: {} as Record<string, unknown>,
  trusted: true,
  };
}
export type Recorder = ReturnType<typeof makeRecorder>;
/** Shared through globalThis: the bundled extension and the test import two copies of this module. */
const g = globalThis as { __kfsFakeVscode?: Recorder };
export const recorder: Recorder = (g.__kfsFakeVscode ??= makeRecorder());

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query = '',
  ) {}
  static file(p: string) {
    return new Uri('file', p);
  }
  static parse(s: string) {
    const u = new URL(s);
    return new Uri(u.protocol.replace(/:$/, ''), decodeURIComponent(u.pathname), decodeURIComponent(u.search.slice(1)));
  }
  static joinPath(base: Uri, ...parts: string[]) {
    return new Uri(base.scheme, join(base.path, ...parts));
  }
  get fsPath() {
    return this.path;
  }
  toString() {
    return this.scheme === 'file' ? pathToFileURL(this.path).href : `${this.scheme}:${this.path}`;
  }
}

export enum TreeItemCollapsibleState { None = 0, Collapsed = 1, Expanded = 2 }
export enum TreeItemCheckboxState { Unchecked = 0, Checked = 1 }
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }
export enum StatusBarAlignment { Left = 1, Right = 2 }
export enum ViewColumn { Active = -1, One = 1 }

export class ThemeColor {
  constructor(readonly id: string) {}
}
export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}
export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  checkboxState?: TreeItemCheckboxState;
  iconPath?: ThemeIcon;
  command?: unknown;
  constructor(
    readonly label: string,
    readonly collapsibleState?: TreeItemCollapsibleState,
  ) {}
}

const cancelToken = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };

export const window = {
  createOutputChannel(name: string, options: any) {
    const ch = { name, options, lines: [] as string[] };
    recorder.channels.push(ch);
    const log = (level: string) => (m: string) => ch.lines.push(`${level} ${m}`);
    return { info: log('info'), warn: log('warn'), error: log('error'), trace: log('trace'), debug: log('debug'), show() {}, dispose() {} };
  },
  createTreeView(id: string, options: any) {
    const checkbox = new EventEmitter<any>();
    const view = { description: undefined as string | undefined, onDidChangeCheckboxState: checkbox.event, dispose() {} };
    recorder.treeViews.push({ id, options, view, checkbox });
    return view;
  },
  createStatusBarItem(id: string) {
    const item = { id, text: '', tooltip: '', command: '', name: '', shown: false, show() { this.shown = true; }, dispose() {} };
    recorder.statusItems.push(item);
    return item;
  },
  registerWebviewPanelSerializer(viewType: string) {
    recorder.serializers.push(viewType);
    return { dispose() {} };
  },
  async withProgress(_o: any, task: (p: any, t: any) => any) {
    return task({ report() {} }, cancelToken);
  },
  async showInformationMessage(m: string) {
    recorder.messages.push(m);
    return undefined;
  },
  async showWarningMessage(m: string) {
    recorder.messages.push(m);
    return undefined;
  },
  async showErrorMessage(m: string) {
    recorder.messages.push(m);
    return undefined;
  },
};

export const commands = {
  registerCommand(id: string, handler: (...a: any[]) => any) {
    if (recorder.commands.has(id)) throw new Error(`command ${id} already registered`);
    recorder.commands.set(id, handler);
    return { dispose: () => recorder.commands.delete(id) };
  },
  async executeCommand(id: string, ...args: any[]) {
    if (id === 'setContext') {
      recorder.contextKeys.set(args[0], args[1]);
      return undefined;
    }
    return recorder.commands.get(id)?.(...args);
  },
};

const configEvents = new EventEmitter<any>();
const trustEvents = new EventEmitter<void>();
export const workspace = {
  get isTrusted() {
    return recorder.trusted;
  },
  getConfiguration() {
    return { inspect: (key: string) => ({ key, globalValue: recorder.settings[key] }) };
  },
  registerTextDocumentContentProvider(scheme: string, provider: any) {
    recorder.schemes.set(scheme, provider);
    return { dispose() {} };
  },
  onDidChangeConfiguration: configEvents.event,
  onDidGrantWorkspaceTrust: trustEvents.event,
};

export const extensions = { getExtension: () => undefined };
export const env = { clipboard: { writeText: async () => undefined } };
export const authentication = { getSession: async () => ({ accessToken: 'x' }) };

export function extensionContext(root: string, storage: string) {
  const mem = () => {
    const m = new Map<string, unknown>();
    return { get: (k: string) => m.get(k), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()], setKeysForSync() {} };
  };
  return {
    subscriptions: [] as { dispose(): void }[],
    extensionUri: Uri.file(root),
    globalStorageUri: Uri.file(storage),
    globalState: mem(),
    workspaceState: mem(),
  };
}
