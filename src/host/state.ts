// What the extension remembers between commands: the chosen cluster context (never written to the
// kubeconfig), the artifacts ticked for the next collection, the open evidence bundle and the
// tree's severity filter. Views listen to `onDidChange`.
import { ARTIFACT_IDS, isArtifactId, type ArtifactId } from '../core/schema/artifacts.js';
import type { Severity } from '../core/schema/timeline.js';
import type { Manifest } from '../core/evidence/manifest.js';
import { Emitter } from './emitter.js';
import type { StateStore } from './seam.js';

export const STATE_KEYS = {
  context: 'kubeforensys.selectedContext',
  artifacts: 'kubeforensys.selectedArtifacts',
  bundle: 'kubeforensys.openBundle',
  severities: 'kubeforensys.treeSeverities',
} as const;

export interface OpenBundle {
  dir: string;
  manifest: Manifest;
}

export type StateChange = 'context' | 'artifacts' | 'bundle' | 'filter';

export class ExtensionState {
  private readonly changed = new Emitter<StateChange>();
  readonly onDidChange = this.changed.event;
  private bundleValue: OpenBundle | undefined;

  constructor(private readonly store: StateStore) {}

  /** The context the user picked, if any (else the kubeconfig's current-context applies). */
  get selectedContext(): string | undefined {
    return this.store.get<string>(STATE_KEYS.context) || undefined;
  }

  async selectContext(name: string | undefined): Promise<void> {
    await this.store.update(STATE_KEYS.context, name);
    this.changed.fire('context');
  }

  /** The artifacts ticked for the next collection; `fallback` until the user ticks anything. */
  selectedArtifacts(fallback: readonly ArtifactId[] = ARTIFACT_IDS): ArtifactId[] {
    const saved = this.store.get<unknown>(STATE_KEYS.artifacts);
    if (!Array.isArray(saved)) return [...fallback];
    const set = new Set(saved.filter((a): a is ArtifactId => typeof a === 'string' && isArtifactId(a)));
    // Keep the schema's collection order whatever order the clicks came in.
    return ARTIFACT_IDS.filter((a) => set.has(a));
  }

  async setArtifactsChecked(changes: readonly { artifact: ArtifactId; checked: boolean }[], fallback: readonly ArtifactId[] = ARTIFACT_IDS): Promise<void> {
    const set = new Set(this.selectedArtifacts(fallback));
    for (const c of changes) {
      if (c.checked) set.add(c.artifact);
      else set.delete(c.artifact);
    }
    await this.store.update(STATE_KEYS.artifacts, ARTIFACT_IDS.filter((a) => set.has(a)));
    this.changed.fire('artifacts');
  }

  get bundle(): OpenBundle | undefined {
    return this.bundleValue;
  }

  /** The last bundle's folder, restored on the next activation. */
  get lastBundleDir(): string | undefined {
    return this.store.get<string>(STATE_KEYS.bundle) || undefined;
  }

  async setBundle(b: OpenBundle | undefined): Promise<void> {
    this.bundleValue = b;
    await this.store.update(STATE_KEYS.bundle, b?.dir);
    this.changed.fire('bundle');
  }

  /** Severities the tree shows findings for; empty means all. */
  get treeSeverities(): Severity[] {
    const v = this.store.get<unknown>(STATE_KEYS.severities);
    return Array.isArray(v) ? (v.filter((s) => typeof s === 'string') as Severity[]) : [];
  }

  async setTreeSeverities(s: Severity[]): Promise<void> {
    await this.store.update(STATE_KEYS.severities, s);
    this.changed.fire('filter');
  }

  dispose(): void {
    this.changed.dispose();
  }
}
