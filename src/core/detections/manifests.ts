// Reads Kubernetes manifests offline: YAML or JSON, multi-document, `kind: List` and every `*List`
// (what `kubectl get -o yaml|json` prints), remembering the line each object starts on.
import { LineCounter, parseAllDocuments, isMap, isSeq, type Node } from 'yaml';
import type { KubeObject } from '../collectors/types.js';

export interface LoadedObject {
  object: KubeObject;
  file: string;
  /** 1-based line where the object starts. */
  line: number;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Documents that are not manifests but are expected alongside them (the kube emulator's data section). */
const SKIPPED_KINDS = new Set(['KubeForenSysEmulatorData']);

function isKubeObject(v: unknown): v is KubeObject {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.apiVersion === 'string' && o.apiVersion !== '' && typeof o.kind === 'string' && o.kind !== '';
}

/**
 * Parses one file's text. Throws ManifestError (one sentence naming the file, as `label`, by default
 * the path) when it holds no Kubernetes object.
 */
export function parseManifests(text: string, file: string, label = file): LoadedObject[] {
  const lineCounter = new LineCounter();
  // yaml caps alias expansion (maxAliasCount), so a "billion laughs" file fails instead of exhausting memory.
  const docs = parseAllDocuments(text, { lineCounter });
  const list = Array.isArray(docs) ? docs : [];
  const out: LoadedObject[] = [];
  let skipped = 0;
  let others = 0;
  const lineOf = (node: Node | null | undefined, fallback: number) => (node?.range ? lineCounter.linePos(node.range[0]).line : fallback);

  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const at = err.linePos?.[0] ? ` at line ${err.linePos[0].line}` : '';
      const what = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      throw new ManifestError(`${label} is not valid YAML or JSON${at}: ${what}.`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new ManifestError(`${label} could not be read as YAML: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (value === null || value === undefined) continue;
    const docLine = lineOf(doc.contents, 1);
    if (!isKubeObject(value)) {
      others++;
      continue;
    }
    if (SKIPPED_KINDS.has(value.kind!)) {
      skipped++;
      continue;
    }
    const items = (value as Record<string, unknown>).items;
    if (value.kind!.endsWith('List') && Array.isArray(items)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      const nodes = isSeq(itemsNode) ? itemsNode.items : [];
      items.forEach((item, i) => {
        if (isKubeObject(item)) out.push({ object: item, file, line: lineOf(nodes[i] as Node | undefined, docLine) });
        else others++;
      });
      if (items.length === 0) skipped++; // an empty list from kubectl is a valid, empty manifest
      continue;
    }
    out.push({ object: value, file, line: docLine });
  }
  if (out.length === 0 && skipped === 0) {
    throw new ManifestError(
      others > 0
        ? `${label} is not a Kubernetes manifest: none of its documents has both apiVersion and kind.`
        : `${label} is not a Kubernetes manifest: it is empty.`,
    );
  }
  return out;
}
