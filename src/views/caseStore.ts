// The case file of one bundle as the timeline panel uses it: loaded once, every change applied
// and saved beside the bundle (never inside it) before the webview is told. Saves run one after
// another, so two quick clicks cannot interleave their writes. VS Code-free.
import { applyMarkEdit, deleteView, loadCase, saveCase, saveView, type CaseFile, type MarkEdit, type SavedView } from '../core/timeline/caseFile.js';
import type { ColumnLayout } from '../core/timeline/marks.js';
import type { TimelineFilter } from '../core/timeline/filter.js';

export interface CaseSnapshot {
  case: CaseFile;
  /** For the webview's status line: where the marks are kept, and whether the file was edited outside the tool. */
  note: string;
}

export class CaseStore {
  private current: Promise<CaseSnapshot>;
  private path = '';
  private digestOk = true;

  constructor(
    private readonly bundleDir: string,
    snapshot: { snapshotId: string; manifestDigest: string },
    private readonly user: string,
  ) {
    this.current = loadCase(bundleDir, snapshot).then((c) => {
      this.path = c.path;
      this.digestOk = c.digestOk;
      return { case: c.case, note: this.note(c.exists) };
    });
  }

  private note(exists: boolean): string {
    const where = `Marks: ${this.path}`;
    if (!exists) return `${where} (created at the first mark)`;
    return this.digestOk ? where : `${where} — changed outside KubeForenSys since its last save (digest mismatch)`;
  }

  get(): Promise<CaseSnapshot> {
    return this.current;
  }

  private change(f: (c: CaseFile) => CaseFile): Promise<CaseSnapshot> {
    this.current = this.current.then(async (s) => {
      const next = f(s.case);
      await saveCase(this.bundleDir, next);
      // Saved by us: the digest now matches again.
      this.digestOk = true;
      return { case: next, note: this.note(true) };
    });
    return this.current;
  }

  mark(recordId: string, edit: MarkEdit): Promise<CaseSnapshot> {
    return this.change((c) => applyMarkEdit(c, recordId, edit, this.user));
  }

  saveView(name: string, filter: TimelineFilter, columns: ColumnLayout[]): Promise<CaseSnapshot> {
    const view: SavedView = { name, filter, columns, by: this.user, at: new Date().toISOString() };
    return this.change((c) => saveView(c, view));
  }

  deleteView(name: string): Promise<CaseSnapshot> {
    return this.change((c) => deleteView(c, name));
  }
}
