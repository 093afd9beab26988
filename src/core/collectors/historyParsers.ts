// Parsers for shell and client history files. Each returns entries with their own time when
// the format records one (bash HISTTIMEFORMAT "#<epoch>" lines, zsh extended history, fish's
// "when:"); otherwise the caller falls back to the file's modification time.
import { bufferLines, decodeUtf8Escaped } from '../cluster/lines.js';

export type Shell = 'bash' | 'ash' | 'sh' | 'zsh' | 'fish' | 'python' | 'mysql' | 'psql';

export interface HistoryEntry {
  command: string;
  /** Seconds since the epoch, when the file recorded it. */
  epoch: number | null;
  timeSource: 'bash-timestamp' | 'zsh-extended' | 'fish-when' | null;
  nonUtf8: boolean;
}

/** History files looked for in each home folder, relative to it. */
export const HISTORY_FILES: readonly { shell: Shell; rel: string }[] = [
  { shell: 'bash', rel: '.bash_history' },
  { shell: 'ash', rel: '.ash_history' },
  { shell: 'sh', rel: '.sh_history' },
  { shell: 'zsh', rel: '.zsh_history' },
  { shell: 'zsh', rel: '.zhistory' },
  { shell: 'fish', rel: '.local/share/fish/fish_history' },
  { shell: 'python', rel: '.python_history' },
  { shell: 'mysql', rel: '.mysql_history' },
  { shell: 'psql', rel: '.psql_history' },
];

const plausibleEpoch = (n: number) => n > 0 && n < 32503680000; // before year 3000

function decode(b: Buffer): { text: string; nonUtf8: boolean } {
  return decodeUtf8Escaped(b);
}

export function parseHistory(shell: Shell, content: Buffer): HistoryEntry[] {
  switch (shell) {
    case 'bash':
      return parseBash(content);
    case 'zsh':
      return parseZsh(content);
    case 'fish':
      return parseFish(content);
    case 'mysql':
      return plainLines(content, (s) => s.replace(/\\040/g, ' '));
    default:
      return plainLines(content);
  }
}

function plainLines(content: Buffer, unescape: (s: string) => string = (s) => s): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const line of bufferLines(content)) {
    const { text, nonUtf8 } = decode(line);
    if (text.trim() === '' || text === '_HiStOrY_V2_') continue;
    out.push({ command: unescape(text), epoch: null, timeSource: null, nonUtf8 });
  }
  return out;
}

/** bash: "#1700000000" on its own line gives the time of the command after it. */
export function parseBash(content: Buffer): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let pending: number | null = null;
  for (const line of bufferLines(content)) {
    const { text, nonUtf8 } = decode(line);
    const m = /^#(\d{9,11})$/.exec(text);
    if (m) {
      const n = Number(m[1]);
      pending = plausibleEpoch(n) ? n : null;
      continue;
    }
    if (text.trim() === '') continue;
    out.push({ command: text, epoch: pending, timeSource: pending !== null ? 'bash-timestamp' : null, nonUtf8 });
    pending = null;
  }
  return out;
}

/** zsh extended history: ": <start>:<elapsed>;<command>"; continuation lines end in a backslash. */
export function parseZsh(content: Buffer): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let current: HistoryEntry | null = null;
  for (const line of bufferLines(content)) {
    const { text, nonUtf8 } = decode(line);
    if (current && current.command.endsWith('\\')) {
      current.command = `${current.command.slice(0, -1)}\n${text}`;
      current.nonUtf8 ||= nonUtf8;
      continue;
    }
    const m = /^: (\d+):\d+;(.*)$/s.exec(text);
    if (m) {
      const n = Number(m[1]);
      current = { command: m[2]!, epoch: plausibleEpoch(n) ? n : null, timeSource: plausibleEpoch(n) ? 'zsh-extended' : null, nonUtf8 };
    } else {
      if (text.trim() === '') continue;
      current = { command: text, epoch: null, timeSource: null, nonUtf8 };
    }
    out.push(current);
  }
  return out;
}

/** fish: a YAML-like list of "- cmd: ..." with "  when: <epoch>" (and "  paths:") under each. */
export function parseFish(content: Buffer): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let current: HistoryEntry | null = null;
  for (const line of bufferLines(content)) {
    const { text, nonUtf8 } = decode(line);
    const cmd = /^- cmd: ?(.*)$/.exec(text);
    if (cmd) {
      // fish escapes newlines and backslashes in cmd.
      const command = cmd[1]!.replace(/\\(\\|n)/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
      current = { command, epoch: null, timeSource: null, nonUtf8 };
      out.push(current);
      continue;
    }
    const when = /^\s+when: ?(\d+)\s*$/.exec(text);
    if (when && current) {
      const n = Number(when[1]);
      if (plausibleEpoch(n)) {
        current.epoch = n;
        current.timeSource = 'fish-when';
      }
    }
  }
  return out;
}
