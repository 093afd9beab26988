// The few VS Code window/workspace functions the commands and views use, as plain interfaces.
// The extension host implements them with the real `vscode` API (src/host/vscodeHost.ts);
// tests implement them with a fake. Nothing here imports `vscode`: a node test cannot load it.
import type { CancellableOptions, CancellableTask } from './cancellable.js';

export interface Disposable {
  dispose(): void;
}

/** A listener registration in the shape of vscode.Event. */
export type Event<T> = (listener: (e: T) => unknown) => Disposable;

export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested: Event<unknown>;
}

export interface ProgressReporter {
  report(value: { message?: string; increment?: number }): void;
}

export interface PickItem {
  label: string;
  description?: string;
  detail?: string;
  picked?: boolean;
}

export interface QuickPickOptions {
  title?: string;
  placeHolder?: string;
  canPickMany?: boolean;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
}

export interface FileFilter {
  [name: string]: string[];
}

export interface UiHost {
  /**
   * The one way commands run long work: a cancellable notification whose Cancel aborts `signal`
   * (src/host/cancellable.ts; both hosts implement it with runCancellable over withProgress).
   */
  withCancellable<T>(title: string, task: CancellableTask<T>, opts?: CancellableOptions): Promise<T>;
  /** A cancellable notification (location Notification) when `cancellable`, else a window progress. */
  withProgress<T>(
    opts: { title: string; cancellable: boolean },
    task: (progress: ProgressReporter, token: CancellationTokenLike) => Promise<T>,
  ): Promise<T>;
  showInformationMessage(message: string, ...buttons: string[]): Promise<string | undefined>;
  showWarningMessage(message: string, ...buttons: string[]): Promise<string | undefined>;
  showErrorMessage(message: string, ...buttons: string[]): Promise<string | undefined>;
  showQuickPick<T extends PickItem>(items: readonly T[], opts: QuickPickOptions & { canPickMany: true }): Promise<T[] | undefined>;
  showQuickPick<T extends PickItem>(items: readonly T[], opts?: QuickPickOptions): Promise<T | undefined>;
  /** A folder picker; answers file-system paths. */
  pickFolder(opts: { title: string; openLabel: string; defaultPath?: string }): Promise<string | undefined>;
  /** A save dialog; answers a file-system path. */
  pickSaveFile(opts: { title: string; defaultPath?: string; filters?: FileFilter }): Promise<string | undefined>;
  writeClipboard(text: string): Promise<void>;
  /** Opens a document of the kubeforensys: scheme (read-only) in an editor. */
  openVirtualDocument(uri: string): Promise<void>;
  /** Opens a file on disk in an editor. */
  openFile(path: string): Promise<void>;
  revealInOs(path: string): Promise<void>;
  executeCommand(id: string, ...args: unknown[]): Promise<unknown>;
  /** Sets a `when` clause context key. */
  setContext(key: string, value: unknown): Promise<void>;
}

/** What WorkspaceConfiguration.inspect answers for one key, trimmed to what is read. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface ConfigReader {
  /** `section` is a full key, e.g. "kubeforensys.sinceHours" or "vs-kubernetes". */
  inspect<T>(section: string): InspectedSetting<T> | undefined;
}

export interface WorkspaceInfo {
  /** vscode.workspace.isTrusted. */
  readonly isTrusted: boolean;
  readonly config: ConfigReader;
}

/** Memento-like storage (ExtensionContext.globalState). */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** The LogOutputChannel functions used. */
export interface LogChannel {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(): void;
}
