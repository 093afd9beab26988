// Plain-text rendering helpers for the CLI: aligned tables that fit the terminal, human sizes,
// and the streams every command writes through, so no untrusted byte reaches a terminal raw.
import { Writable } from 'node:stream';
import { singleLine, terminalChunk } from '../core/text/terminal.js';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Terminal control characters in cluster text could rewrite the responder's screen: show them escaped. */
export function safeText(s: string, max = 200): string {
  return singleLine(s, max);
}

/** Seconds as the shortest exact duration the --since flag accepts back (86400 → 24h). */
export function formatDuration(seconds: number): string {
  if (seconds % 86400 === 0 && seconds >= 7 * 86400) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * The width tables must fit: the terminal's, else COLUMNS (as ls and git honour it), else none
 * (a pipe or a file gets full values).
 */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const cols = Number(env.COLUMNS);
  return Number.isInteger(cols) && cols > 0 ? cols : Infinity;
}

const GAP = '  ';
const MIN_COLUMN = 6;
const len = (s: string) => [...s].length;
const cut = (s: string, w: number) => (len(s) <= w ? s : `${[...s].slice(0, Math.max(0, w - 1)).join('')}…`);

/** Column widths that fit `width`: the widest column gives way first, none below its minimum. */
function fitWidths(natural: number[], headers: string[], width: number): number[] {
  const widths = [...natural];
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  const floor = headers.map((h, i) => Math.min(natural[i]!, Math.max(MIN_COLUMN, len(h))));
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) if (widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0) break; // cannot shrink further: the terminal wraps what is left
    widths[widest]!--;
  }
  return widths;
}

/** An aligned table; cells longer than their column (when the table must fit `width`) end in "…". */
export function renderTable(headers: string[], rows: string[][], width = outputWidth()): string {
  const natural = headers.map((h, i) => Math.max(len(h), ...rows.map((r) => len(r[i] ?? ''))));
  const widths = fitWidths(natural, headers, width);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const text = cut(c ?? '', widths[i]!);
        return i === cells.length - 1 ? text : text.padEnd(widths[i]! + (text.length - len(text)));
      })
      .join(GAP)
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

type Target = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * What every CLI command writes through. stderr is always for people, so it is always made safe;
 * stdout only on a terminal (a pipe or a file gets the data as the format has it: CSV and JSON
 * lines keep their bytes). JSON output escapes controls itself (terminalJson) either way.
 */
export class TerminalStream extends Writable {
  constructor(
    private readonly target: Target,
    private readonly always: boolean,
  ) {
    super({ decodeStrings: false });
  }
  get isTTY(): boolean {
    return !!this.target.isTTY;
  }
  get columns(): number | undefined {
    return this.target.columns;
  }
  override _write(chunk: string | Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    // Passed on at once, not when the target has flushed: output keeps its order with anything
    // written to the target directly (commander's help), and nothing waits in this wrapper.
    this.target.write(this.always || this.target.isTTY ? terminalChunk(text) : text);
    done();
  }
}

export interface CliStreams {
  stdout: TerminalStream;
  stderr: TerminalStream;
}

let streams: CliStreams | undefined;
/** The process's stdout and stderr, wrapped once. */
export function cliStreams(): CliStreams {
  return (streams ??= { stdout: new TerminalStream(process.stdout, false), stderr: new TerminalStream(process.stderr, true) });
}
