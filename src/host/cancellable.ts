// Long-running work behind a cancellable progress notification, written once: the progress
// reporter, the AbortController tied to the notification's Cancel button, and the disposal of
// that link. Handlers receive (report, signal) and never see a cancellation token. A failure is
// not shown here: it propagates to the command registrar (src/commands/registerCommands.ts),
// which logs and shows every command's failure one way.
import type { CancellationTokenLike, ProgressReporter } from './seam.js';

export interface ProgressUpdate {
  message?: string;
  /** 0..100 of the whole task; turned into the notification's increments. */
  percent?: number;
  /** A step of the bar, for tasks that count steps rather than a total. */
  increment?: number;
}

export type Report = (update: ProgressUpdate) => void;

export interface CancellableOptions {
  /** Said (as a warning) when the user cancels and the task ends by its abort; else a cancel is silent. */
  cancelled?: string;
  /** Names the failure when the task throws, e.g. "collection from prod failed"; the registrar shows it. */
  failed?: string;
}

export type CancellableTask<T> = (report: Report, signal: AbortSignal) => Promise<T>;

/** The user cancelled and the task ended by its abort. `note` is what to tell them, if anything. */
export class CancelledError extends Error {
  override name = 'AbortError';
  constructor(
    readonly title: string,
    readonly note?: string,
  ) {
    super(`${title}: cancelled`);
  }
}

/** A task's failure with the sentence that names it (`what`); `cause` is the original error. */
export class TaskFailure extends Error {
  override name = 'TaskFailure';
  constructor(
    readonly what: string,
    override readonly cause: unknown,
  ) {
    super(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

type WithProgress = <T>(opts: { title: string; cancellable: boolean }, task: (progress: ProgressReporter, token: CancellationTokenLike) => Promise<T>) => Promise<T>;

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}

/**
 * Runs `task` in a cancellable notification. A task that returns after a cancel (a collection
 * seals what it has) returns normally; one that ends by the abort becomes a CancelledError.
 */
export function runCancellable<T>(withProgress: WithProgress, title: string, task: CancellableTask<T>, opts: CancellableOptions = {}): Promise<T> {
  return withProgress({ title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    if (token.isCancellationRequested) abort.abort();
    let percent = 0;
    const report: Report = (u) => {
      let increment = u.increment;
      if (u.percent !== undefined) {
        increment = Math.max(0, u.percent - percent);
        percent = Math.max(percent, u.percent);
      }
      progress.report({ message: u.message, increment });
    };
    try {
      return await task(report, abort.signal);
    } catch (err) {
      if (abort.signal.aborted && isAbortError(err)) throw new CancelledError(title, opts.cancelled);
      throw opts.failed && !isAbortError(err) ? new TaskFailure(opts.failed, err) : err;
    } finally {
      sub.dispose();
    }
  });
}
