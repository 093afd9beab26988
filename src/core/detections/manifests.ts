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
import { inSubsetChars, NOT_SIMPLE, readSimpleEntry, readSimpleYaml, type ImplicitType } from './simpleYaml.js';
import { Lines } from './textLines.js';
import { itemLines, listLayout, type ListLayout } from './listItems.js';

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

/** A document marker: `---` or `...` at column 0, alone on its line or followed by a space or tab. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t]|\r?$)/m;

/** Whether the text holds a document marker (splitDocuments would cut it there). */
export function hasDocumentMarker(text: string): boolean {
  return DOCUMENT_MARKER.test(text);
}

/** Splits at document markers (`---` and `...` at column 0); each piece keeps its first line. */
function splitDocuments(text: string): Doc[] {
  const docs: Doc[] = [];
  const marker = new RegExp(DOCUMENT_MARKER.source, 'gm');
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

/** Whether a text starts as JSON does (the only texts parseJson tries). */
export function opensLikeJson(text: string): boolean {
  const c = text.trimStart()[0];
  return c === '{' || c === '[';
}

/** A whole-file JSON document, or null when the text is not JSON (then it is read as YAML). */
function parseJson(text: string): unknown {
  if (!opensLikeJson(text)) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

interface Tally {
  out: LoadedObject[];
  /** Objects found, including those already handed on (out is emptied when it is). */
  found: number;
  skipped: number;
  others: number;
}

const newTally = (): Tally => ({ out: [], found: 0, skipped: 0, others: 0 });

function push(t: Tally, o: LoadedObject): void {
  t.out.push(o);
  t.found++;
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
    push(t, { object: value, file, line: docLine });
    return;
  }
  const at = itemLines(doc.text, items.length);
  items.forEach((item, i) => {
    if (isKubeObject(item)) push(t, { object: item, file, line: at ? doc.first + at[i]! + 1 : docLine });
    else t.others++;
  });
  if (items.length === 0) t.skipped++; // an empty list from kubectl is a valid, empty manifest
}

/** Throws the file's ManifestError when it held no Kubernetes object. */
function checkFound(t: Tally, label: string): void {
  if (t.found > 0 || t.skipped > 0) return;
  throw new ManifestError(
    t.others > 0
      ? `${label} is not a Kubernetes manifest: none of its documents has both apiVersion and kind.`
      : `${label} is not a Kubernetes manifest: it is empty.`,
  );
}

/**
 * Parses one file's text. Throws ManifestError (one sentence naming the file, as `label`, by default
 * the path) when it holds no Kubernetes object.
 */
export function parseManifests(text: string, file: string, label = file): LoadedObject[] {
  const t = newTally();
  const json = parseJson(text);
  if (json !== null) addValue(json, { text, first: 0 }, file, t);
  else for (const doc of splitDocuments(text)) addValue(loadDocument(doc, label), doc, file, t);
  checkFound(t, label);
  return t.out;
}

/** Where readManifests hands a file's objects as they are read. */
export interface ManifestSink {
  add: (objects: LoadedObject[]) => void;
  /** Takes back everything handed on for this file (it is then read again whole). */
  rollback: () => void;
}

/** Objects handed on at a time: enough to amortise the call, few enough to be let go early. */
export const BATCH = 256;
/** Smaller Lists are read whole: item by item only pays where the memory does. */
const STREAM_MIN_CHARS = 64 * 1024;
const FAILED: unique symbol = Symbol('entry not read');

function flush(t: Tally, sink: ManifestSink): void {
  if (!t.out.length) return;
  sink.add(t.out);
  t.out = [];
}

/**
 * parseManifests' objects handed to `sink` in order, a large List export item by item (so a 25 MB
 * export is never held whole). The result is parseManifests' by construction: items are read one
 * at a time only where that cannot change them (no aliases in the document, so no entry refers to
 * another), and if any entry or the List's own keys cannot be read alone, what was handed on is
 * taken back and the file is read whole, which gives parseManifests' objects or its error. Throws
 * parseManifests' ManifestError; the caller then takes back what this file handed on.
 */
export function readManifests(text: string, file: string, label: string, sink: ManifestSink): void {
  const t = newTally();
  const json = parseJson(text);
  if (json !== null) addValue(json, { text, first: 0 }, file, t);
  else {
    for (const doc of splitDocuments(text)) {
      if (!readDocument(doc, file, label, t, sink)) {
        sink.rollback();
        sink.add(parseManifests(text, file, label));
        return;
      }
      if (t.out.length >= BATCH) flush(t, sink);
    }
  }
  flush(t, sink);
  checkFound(t, label);
}

/** One document into the tally (a large List entry by entry); false when an entry could not be read alone. */
function readDocument(doc: Doc, file: string, label: string, t: Tally, sink: ManifestSink): boolean {
  const layout = streamedLayout(doc);
  if (!layout) {
    addValue(loadDocument(doc, label), doc, file, t);
    return true;
  }
  // Tested once for the whole text: each entry is then read in place, not copied and tested again.
  const inPlace = inSubsetChars(doc.text);
  for (const e of layout.entries) {
    const item = loadEntry(doc.text, e, layout.indent, inPlace);
    if (item === FAILED) return false;
    if (isKubeObject(item)) push(t, { object: item, file, line: doc.first + e.line + 1 });
    else t.others++;
    if (t.out.length >= BATCH) flush(t, sink);
  }
  return true;
}

/**
 * Whether a `*` in the text may start a YAML alias: one at a line's start or after a space, tab,
 * `[`, `{`, `,` or `:`. Inside a quoted or plain scalar a `*` follows anything else (`'*'`,
 * `"*.example.com"`, `a*b`), so an export of RBAC rules (`verbs: ['*']`) holds no alias; a `*`
 * in a block scalar or after a space inside a plain one (`echo *`) is taken for one, which only
 * makes the document read whole.
 */
export function mayHoldAlias(text: string): boolean {
  for (let i = text.indexOf('*'); i !== -1; i = text.indexOf('*', i + 1)) {
    if (i === 0 || ALIAS_AFTER.includes(text[i - 1]!)) return true;
  }
  return false;
}

/** What may stand right before an alias's `*`: a line break, a space or tab, or a flow indicator (`[`, `{`, `,`), or `:` (`{"k":*a}`). */
const ALIAS_AFTER = '\n\r \t[{,:';

/** The layout of a document read entry by entry: a large List, no alias in it, its own keys readable alone; else null. */
function streamedLayout(doc: Doc): ListLayout | null {
  const layout = doc.text.length >= STREAM_MIN_CHARS && !mayHoldAlias(doc.text) ? listLayout(doc.text) : null;
  return layout && listHeadReadable(layout.head) ? layout : null;
}

/** Whether the List's own keys (the document without its entries) read alone as a List whose `items:` holds nothing. */
export function listHeadReadable(head: string): boolean {
  return isListHead(loadAlone(head, false));
}

/** The List's own keys read without its entries: a List whose `items:` now holds nothing. */
function isListHead(v: unknown): boolean {
  return isKubeObject(v) && !SKIPPED_KINDS.has(v.kind!) && v.kind!.endsWith('List') && Object.prototype.hasOwnProperty.call(v, 'items') && (v as Record<string, unknown>).items === null;
}

/** A text read by itself (fast reader, else js-yaml), FAILED when js-yaml refuses it. */
function loadAlone(text: string, fastOnly: boolean): unknown {
  const value = readSimpleYaml(text, KUBE_IMPLICIT);
  if (value !== NOT_SIMPLE || fastOnly) return value === NOT_SIMPLE ? FAILED : value;
  try {
    return jsyaml.load(text, { schema: KUBE_SCHEMA, json: true });
  } catch {
    return FAILED;
  }
}

/**
 * One entry of the List's sequence. The fast reader reads the entry's mapping as a document (its
 * `-` made a space, the mapping keeps its column: the reader reads an entry's mapping and such a
 * document alike), in place when `inPlace` (the text holds only the subset's characters) and the
 * entry starts `- key`; js-yaml reads the entry as it stands, a one-entry sequence.
 */
function loadEntry(text: string, e: ListLayout['entries'][number], indent: number, inPlace: boolean): unknown {
  if (inPlace) {
    const value = readSimpleEntry(text, e.start, e.end, e.start + indent, KUBE_IMPLICIT);
    if (value !== NOT_SIMPLE) return value;
  }
  const entry = text.slice(e.start, e.end);
  const fast = loadAlone(`${entry.slice(0, indent)} ${entry.slice(indent + 1)}`, true);
  if (fast !== FAILED) return fast;
  const seq = loadAlone(entry, false);
  return Array.isArray(seq) && seq.length === 1 ? seq[0] : FAILED;
}

/** A run of a large List's entries, read by itself: scan's lanes read the runs of one export at once. */
export interface ListChunk {
  /** The entries' text, from the run's first entry to the end of its last. */
  text: string;
  /** Each entry's place in `text`, and its 0-based line in the file. */
  entries: ListLayout['entries'];
  /** The column of the entries' `-`. */
  indent: number;
}

/**
 * A file that readManifests would read entry by entry (one YAML document: a large List whose
 * entries hold no alias), its entries cut into runs of about `chunkChars` characters; null for any
 * other file (it is then read whole, as readManifests reads it).
 */
export function listChunks(text: string, chunkChars: number): ListChunk[] | null {
  // Not parsed here, only once by the lane that reads the file whole; a file not cut is read as readManifests reads it.
  if (opensLikeJson(text)) return null;
  const docs = splitDocuments(text);
  if (docs.length !== 1) return null;
  const doc = docs[0]!;
  const layout = streamedLayout(doc);
  if (!layout) return null;
  const chunks: ListChunk[] = [];
  for (let a = 0; a < layout.entries.length; ) {
    const base = layout.entries[a]!.start;
    let b = a + 1;
    while (b < layout.entries.length && layout.entries[b]!.start - base < chunkChars) b++;
    const entries = layout.entries.slice(a, b).map((e) => ({ start: e.start - base, end: e.end - base, line: doc.first + e.line }));
    chunks.push({ text: doc.text.slice(base, layout.entries[b - 1]!.end), entries, indent: layout.indent });
    a = b;
  }
  return chunks;
}

/**
 * A chunk's objects, each with its line, as readManifests reads those entries; null when an entry
 * cannot be read alone (then the whole file is read again as readManifests would: whole).
 */
export function readListChunk(c: ListChunk, file: string): LoadedObject[] | null {
  const inPlace = inSubsetChars(c.text);
  const out: LoadedObject[] = [];
  for (const e of c.entries) {
    const item = loadEntry(c.text, e, c.indent, inPlace);
    if (item === FAILED) return null;
    if (isKubeObject(item)) out.push({ object: item, file, line: e.line + 1 });
  }
  return out;
}
