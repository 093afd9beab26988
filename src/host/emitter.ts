// A minimal event emitter in the shape of vscode.EventEmitter, usable without the `vscode`
// module (the tree provider and the state are tested in plain Node).
import type { Disposable, Event } from './seam.js';

export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => unknown>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // One failing listener must not stop the others (VS Code behaves the same way).
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
