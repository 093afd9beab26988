// Which answers are still wanted: requests are promises (vscode.ts), and an answer that comes
// back after the filter changed must not overwrite the newer one.

/**
 * Keeps only the newest of a kind of request: an answer to an older one (the filter changed
 * since) resolves to `undefined` instead of its value, so a slow answer never overwrites a newer one.
 */
export class Latest {
  private n = 0;
  /** Invalidates what is in flight (e.g. a new filter) without starting anything. */
  supersede(): void {
    this.n++;
  }
  async take<T>(p: Promise<T>): Promise<T | undefined> {
    const mine = ++this.n;
    const v = await p;
    return mine === this.n ? v : undefined;
  }
  /** Like take, for requests that may run side by side (pages of one filter): stale once `supersede` is called. */
  async within<T>(p: Promise<T>): Promise<T | undefined> {
    const mine = this.n;
    const v = await p;
    return mine === this.n ? v : undefined;
  }
}
