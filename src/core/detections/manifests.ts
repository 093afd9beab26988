// Reads Kubernetes manifests offline: YAML or JSON, multi-document, `kind: List` and every `*List`
// (what `kubectl get -o yaml|json` prints), remembering the line each object starts on.
//
// Parsed as kubectl parses them (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1): merge keys
// (`<<: *defaults`) are applied and yes/no/on/off are booleans, so a privileged container behind a
// merge key or `privileged: yes` is seen as the cluster would see it. JSON goes to JSON.parse and
// YAML to js-yaml document by document (measured: over twenty times the `yaml` package's document
// API, which also kept every node of the file in memory), or, for a document in the plain subset
// most manifests are written in, to a reader several times faster that gives js-yaml's own result
// (simpleYaml.ts); lines come from a scan of the text.
import jsyaml from 'js-yaml';
import type { KubeObject } from '../model.js';
import { NOT_SIMPLE, readSimpleYaml, type ImplicitType } from './simpleYaml.js';

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
/**
 * js-yaml shares an aliased node instead of copying it, so a "billion laughs" file loads small,
 * but it would explode wherever it is walked: a document with aliases may expand to at most this
 * many nodes per character of its text (plain YAML has fewer nodes than characters).
 */
const MAX_EXPANSION = 4;
const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
/** go-yaml v2's booleans (YAML 1.1), which kubectl applies. */
const bool11 = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (d: string | null) => d !== null && (BOOL_TRUE.has(d) || BOOL_FALSE.has(d)),
  construct: (d: string) => BOOL_TRUE.has(d),
  predicate: (v: unknown) => typeof v === 'boolean',
});
/** Core schema (no timestamps: kubectl keeps them as strings), YAML 1.1 booleans and merge keys. */
// js-yaml exports its built-in types at run time; its type declarations leave them out.
const MERGE = (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge;
export const KUBE_SCHEMA = jsyaml.CORE_SCHEMA.extend({ implicit: [bool11, MERGE] });
/** The schema's implicit types in js-yaml's order (a run-time property its declarations leave out). */
export const KUBE_IMPLICIT = (KUBE_SCHEMA as unknown as { compiledImplicit: ImplicitType[] }).compiledImplicit;

function isKubeObject(v: unknown): v is KubeObject {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.apiVersion === 'string' && o.apiVersion !== '' && typeof o.kind === 'string' && o.kind !== '';
}

interface Doc {
  text: string;
  /** 0-based line of the document's first line in the file. */
  first: number;
}

/** Splits at document markers (`---` and `...` at column 0); each piece keeps its first line. */
function splitDocuments(text: string): Doc[] {
  const docs: Doc[] = [];
  const marker = /^(?:---|\.\.\.)(?=[ \t]|\r?$)/gm;
  let start = 0;
  let startLine = 0;
  let line = 0;
  let scanned = 0;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    line += countLines(text, scanned, m.index);
    scanned = m.index;
    if (m.index > start) docs.push({ text: text.slice(start, m.index), first: startLine });
    start = m.index;
    startLine = line;
    if (m[0] === '...') {
      // The end marker closes the document: what follows on its line belongs to nobody.
      const eol = text.indexOf('\n', m.index);
      start = eol === -1 ? text.length : eol + 1;
      startLine = line + 1;
    }
  }
  if (start < text.length) docs.push({ text: text.slice(start), first: startLine });
  return docs;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The lines of a document, read in place: a List export has hundreds of thousands of lines, and
 * only the first content line and the items' lines are wanted (no array of every line).
 */
class Lines {
  private from = 0;
  /** 0-based index of the current line; `start` and `end` (its `\n`, or the text's end) delimit it. */
  index = -1;
  start = 0;
  end = 0;

  constructor(private readonly text: string) {}

  next(): boolean {
    if (this.from > this.text.length) return false;
    const e = this.text.indexOf('\n', this.from);
    this.start = this.from;
    this.end = e === -1 ? this.text.length : e;
    this.from = this.end + 1;
    this.index++;
    return true;
  }

  line(): string {
    return this.text.slice(this.start, this.end);
  }

  /** As `line().search(/\S/)`: spaces skipped in place, the line sliced only when something else is there. */
  indent(): number {
    let i = this.start;
    while (i < this.end && this.text.charCodeAt(i) === 32) i++;
    if (i === this.end) return -1;
    const c = this.text.charCodeAt(i);
    return c > 32 && c < 127 ? i - this.start : this.line().search(/\S/);
  }

  charAt(offset: number): string {
    return this.text[this.start + offset] ?? '';
  }
}

/** The first line of a document that holds content (not blank, a comment, a marker or a directive), 0-based within it. */
function contentLine(text: string): number {
  for (const lines = new Lines(text); lines.next(); ) {
    const l = lines.line().trim();
    if (l === '' || l.startsWith('#') || l.startsWith('%')) continue;
    if (l === '---' || /^---\s+#/.test(l)) continue;
    return lines.index;
  }
  return 0;
}

/** The `items:` key of a List (at most 2 columns in), as `/^(?:items|"items")\s*:/` on the trimmed line. */
const ITEMS_KEY = /^(?:items|"items")\s*:/;

/** Where each item of a List starts, 0-based within the document (block YAML or pretty-printed JSON); null when the text does not say. */
function itemLines(text: string, count: number): number[] | null {
  const lines = new Lines(text);
  let found = false;
  while (!found && lines.next()) {
    const at = lines.indent();
    found = at !== -1 && at <= 2 && ITEMS_KEY.test(lines.line().slice(at));
  }
  if (!found) return null;
  const out: number[] = [];
  let indent = -1;
  while (out.length < count && lines.next()) {
    const at = lines.indent();
    if (at === -1 || lines.charAt(at) === '#') continue;
    const opens = lines.charAt(at) === '-' || lines.charAt(at) === '{';
    if (indent === -1) {
      if (!opens) return null;
      indent = at;
    }
    if (at < indent) break;
    if (at === indent && opens) out.push(lines.index);
  }
  return out.length === count ? out : null;
}

/** True when walking the value, aliases expanded, visits more than `limit` nodes (stops as soon as it does). */
function expandsBeyond(value: unknown, limit: number): boolean {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (++n > limit) return true;
    if (v && typeof v === 'object') stack.push(...(Array.isArray(v) ? v : Object.values(v)));
  }
  return false;
}

function loadDocument(doc: Doc, label: string): unknown {
  let value = readSimpleYaml(doc.text, KUBE_IMPLICIT);
  if (value === NOT_SIMPLE) {
    try {
      value = jsyaml.load(doc.text, { schema: KUBE_SCHEMA, json: true });
    } catch (e) {
      const err = e as { mark?: { line?: number }; reason?: string; message?: string };
      const at = typeof err.mark?.line === 'number' ? ` at line ${doc.first + err.mark.line + 1}` : '';
      throw new ManifestError(`${label} is not valid YAML or JSON${at}: ${(err.reason ?? err.message ?? String(e)).split('\n')[0]}.`);
    }
  }
  // Both readers share an aliased node instead of copying it: the same check on either's result.
  if (doc.text.includes('*') && expandsBeyond(value, MAX_EXPANSION * doc.text.length + 1000)) {
    throw new ManifestError(`${label} could not be read as YAML: the document at line ${doc.first + 1} expands its aliases beyond ${MAX_EXPANSION} nodes per character (an alias bomb).`);
  }
  return value;
}

/** A whole-file JSON document, or null when the text is not JSON (then it is read as YAML). */
function parseJson(text: string): unknown {
  const c = text.trimStart()[0];
  if (c !== '{' && c !== '[') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

interface Tally {
  out: LoadedObject[];
  skipped: number;
  others: number;
}

/** Adds one document's objects (a List's items each with its line) to the tally. */
function addValue(value: unknown, doc: Doc, file: string, t: Tally): void {
  if (value === null || value === undefined) return;
  if (!isKubeObject(value)) {
    t.others++;
    return;
  }
  if (SKIPPED_KINDS.has(value.kind!)) {
    t.skipped++;
    return;
  }
  const docLine = doc.first + contentLine(doc.text) + 1;
  const items = (value as Record<string, unknown>).items;
  if (!value.kind!.endsWith('List') || !Array.isArray(items)) {
    t.out.push({ object: value, file, line: docLine });
    return;
  }
  const at = itemLines(doc.text, items.length);
  items.forEach((item, i) => {
    if (isKubeObject(item)) t.out.push({ object: item, file, line: at ? doc.first + at[i]! + 1 : docLine });
    else t.others++;
  });
  if (items.length === 0) t.skipped++; // an empty list from kubectl is a valid, empty manifest
}

/**
 * Parses one file's text. Throws ManifestError (one sentence naming the file, as `label`, by default
 * the path) when it holds no Kubernetes object.
 */
export function parseManifests(text: string, file: string, label = file): LoadedObject[] {
  const t: Tally = { out: [], skipped: 0, others: 0 };
  const json = parseJson(text);
  if (json !== null) addValue(json, { text, first: 0 }, file, t);
  else for (const doc of splitDocuments(text)) addValue(loadDocument(doc, label), doc, file, t);
  if (t.out.length === 0 && t.skipped === 0) {
    throw new ManifestError(
      t.others > 0
        ? `${label} is not a Kubernetes manifest: none of its documents has both apiVersion and kind.`
        : `${label} is not a Kubernetes manifest: it is empty.`,
    );
  }
  return t.out;
}
