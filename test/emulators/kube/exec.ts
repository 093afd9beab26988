// Exec over the Kubernetes WebSocket channel protocols (v5.channel.k8s.io, v4.channel.k8s.io):
// binary frames whose first byte is the channel (1 stdout, 2 stderr, 3 status JSON). The server
// never sends channel 255 (client-node would throw "Unknown stream"). Commands run against a
// small virtual file system built from the scenario; no shell, argv is executed as given.
import { posix } from 'node:path';
import type { WebSocket } from 'ws';
import { DEFAULT_BINARIES, type ContainerData, type ContainerFile } from './scenario.js';

const FRAME = 32 * 1024;
const BASE_DIRS = ['/', '/bin', '/etc', '/home', '/root', '/tmp', '/usr', '/usr/bin', '/var', '/var/log', '/proc'];

/** The commands the emulator implements (see README.md). */
export const SUPPORTED_COMMANDS = ['cat', 'head', 'tail', 'stat', 'ls', 'test', 'wc', 'id', 'echo', 'true', 'false'] as const;

export function execProtocolFor(offered: readonly string[], supported: readonly string[]): string | undefined {
  return supported.find((p) => offered.includes(p));
}

interface Vfs {
  files: Map<string, ContainerFile>;
  dirs: Set<string>;
  defaultMtime: number;
}

function buildVfs(data: ContainerData | undefined, defaultMtime: number): Vfs {
  const files = new Map(Object.entries(data?.files ?? {}).map(([p, f]) => [posix.normalize(p), f]));
  const dirs = new Set<string>(data?.distroless ? ['/'] : BASE_DIRS);
  const addParents = (p: string) => {
    for (let d = posix.dirname(p); ; d = posix.dirname(d)) {
      dirs.add(d);
      if (d === '/') break;
    }
  };
  for (const p of files.keys()) addParents(p);
  for (const d of data?.dirs ?? []) {
    const n = posix.normalize(d);
    dirs.add(n);
    addParents(n);
  }
  return { files, dirs, defaultMtime };
}

function fileSize(f: ContainerFile): number {
  return f.content.length * (f.repeat ?? 1);
}

/** The file's bytes in bounded pieces (a repeated file is never materialized whole). */
function* fileChunks(f: ContainerFile, maxBytes = Infinity): Iterable<Buffer> {
  let left = maxBytes;
  for (let i = 0; i < (f.repeat ?? 1) && left > 0; i++) {
    for (let off = 0; off < f.content.length && left > 0; off += FRAME) {
      const piece = f.content.subarray(off, Math.min(off + FRAME, f.content.length, off + left));
      left -= piece.length;
      yield piece;
    }
  }
}

interface Io {
  out(b: Buffer | string): Promise<void>;
  err(b: Buffer | string): Promise<void>;
}

type Cmd = (args: string[], fs: Vfs, io: Io) => Promise<number>;

const abs = (p: string) => posix.normalize(p.startsWith('/') ? p : `/${p}`);

function mtimeOf(fs: Vfs, path: string): number {
  const f = fs.files.get(path);
  const ms = f?.mtime ? Date.parse(f.mtime) : fs.defaultMtime;
  return Math.floor((Number.isNaN(ms) ? fs.defaultMtime : ms) / 1000);
}

const cat: Cmd = async (args, fs, io) => {
  let code = 0;
  for (const a of args.length ? args : []) {
    const p = abs(a);
    const f = fs.files.get(p);
    if (f) for (const c of fileChunks(f)) await io.out(c);
    else if (fs.dirs.has(p)) {
      await io.err(`cat: ${a}: Is a directory\n`);
      code = 1;
    } else {
      await io.err(`cat: ${a}: No such file or directory\n`);
      code = 1;
    }
  }
  return code;
};

function headTail(which: 'head' | 'tail'): Cmd {
  return async (args, fs, io) => {
    let bytes: number | undefined;
    let lines = 10;
    const paths: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-c') bytes = Number(args[++i]);
      else if (a.startsWith('-c')) bytes = Number(a.slice(2));
      else if (a === '-n') lines = Number(args[++i]);
      else if (a.startsWith('-n')) lines = Number(a.slice(2));
      else paths.push(a);
    }
    let code = 0;
    for (const a of paths) {
      const f = fs.files.get(abs(a));
      if (!f) {
        await io.err(`${which}: cannot open '${a}' for reading: No such file or directory\n`);
        code = 1;
        continue;
      }
      if (bytes !== undefined && Number.isFinite(bytes)) {
        if (which === 'head') for (const c of fileChunks(f, bytes)) await io.out(c);
        else {
          // tail -c N of a repeated file: only small files are repeated, materializing the tail is bounded by N.
          const size = fileSize(f);
          const whole = size <= 64 * 1024 * 1024 ? Buffer.concat([...fileChunks(f)]) : f.content;
          await io.out(whole.subarray(Math.max(0, whole.length - Math.min(bytes, size))));
        }
      } else {
        const text = Buffer.concat([...fileChunks(f, 64 * 1024 * 1024)]).toString('latin1').split('\n');
        if (text.at(-1) === '') text.pop();
        const sel = which === 'head' ? text.slice(0, lines) : text.slice(Math.max(0, text.length - lines));
        await io.out(Buffer.from(sel.map((l) => `${l}\n`).join(''), 'latin1'));
      }
    }
    return code;
  };
}

const stat: Cmd = async (args, fs, io) => {
  let format: string | undefined;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '--format') format = args[++i];
    else if (a.startsWith('--format=')) format = a.slice(9);
    else if (a === '-L') continue;
    else paths.push(a);
  }
  let code = 0;
  for (const a of paths) {
    const p = abs(a);
    const f = fs.files.get(p);
    const isDir = !f && fs.dirs.has(p);
    if (!f && !isDir) {
      await io.err(`stat: cannot stat '${a}': No such file or directory\n`);
      code = 1;
      continue;
    }
    const size = f ? fileSize(f) : 4096;
    const mtime = mtimeOf(fs, p);
    if (!format) {
      await io.out(`  File: ${a}\n  Size: ${size}\n Modify: ${new Date(mtime * 1000).toISOString()}\n`);
      continue;
    }
    const line = format.replace(/%([YsnFaUGXWZ%])/g, (_m, k: string) => {
      switch (k) {
        case 'Y':
        case 'X':
        case 'Z':
          return String(mtime);
        case 'W':
          return '0';
        case 's':
          return String(size);
        case 'n':
          return a;
        case 'F':
          return isDir ? 'directory' : size === 0 ? 'regular empty file' : 'regular file';
        case 'a':
          return isDir ? '755' : '600';
        case 'U':
        case 'G':
          return p.startsWith('/home/') ? (p.split('/')[2] ?? 'root') : 'root';
        default:
          return '%';
      }
    });
    await io.out(`${line}\n`);
  }
  return code;
};

// As GNU ls orders its operands: files first, then each folder (sorted) under a `DIR:` header
// when there are several, sections apart by a blank line; missing operands go to stderr.
const ls: Cmd = async (args, fs, io) => {
  const all = args.includes('-a');
  const almostAll = args.includes('-A');
  const paths = args.filter((a) => !a.startsWith('-'));
  const operands = paths.length ? paths : ['/'];
  let code = 0;
  const files: string[] = [];
  const dirs: string[] = [];
  for (const a of operands) {
    const p = abs(a);
    if (fs.files.has(p)) files.push(a);
    else if (fs.dirs.has(p)) dirs.push(a);
    else {
      await io.err(`ls: cannot access '${a}': No such file or directory\n`);
      code = 2;
    }
  }
  const sections: string[] = [];
  if (files.length) sections.push(files.sort().map((a) => `${a}\n`).join(''));
  for (const a of dirs.sort()) {
    const p = abs(a);
    const children = new Set<string>();
    for (const x of [...fs.files.keys(), ...fs.dirs]) {
      if (x !== p && posix.dirname(x) === p) children.add(posix.basename(x));
    }
    const names = [...children].filter((n) => all || almostAll || !n.startsWith('.')).sort();
    if (all) names.unshift('.', '..');
    sections.push(`${operands.length > 1 ? `${a}:\n` : ''}${names.map((n) => `${n}\n`).join('')}`);
  }
  await io.out(sections.join('\n'));
  return code;
};

const test: Cmd = async (args, fs) => {
  const [op, a] = args.length === 1 ? ['-e', args[0]] : args;
  if (!a) return 1;
  const p = abs(a);
  const f = fs.files.get(p);
  switch (op) {
    case '-f':
      return f ? 0 : 1;
    case '-d':
      return fs.dirs.has(p) ? 0 : 1;
    case '-e':
      return f || fs.dirs.has(p) ? 0 : 1;
    case '-s':
      return f && fileSize(f) > 0 ? 0 : 1;
    case '-r':
      return f || fs.dirs.has(p) ? 0 : 1;
    default:
      return 2;
  }
};

const wc: Cmd = async (args, fs, io) => {
  const paths = args.filter((a) => !a.startsWith('-'));
  let code = 0;
  for (const a of paths) {
    const f = fs.files.get(abs(a));
    if (!f) {
      await io.err(`wc: ${a}: No such file or directory\n`);
      code = 1;
    } else await io.out(`${fileSize(f)} ${a}\n`);
  }
  return code;
};

const COMMANDS: Record<(typeof SUPPORTED_COMMANDS)[number], Cmd> = {
  cat,
  head: headTail('head'),
  tail: headTail('tail'),
  stat,
  ls,
  test,
  wc,
  id: async (_a, _f, io) => {
    await io.out('uid=0(root) gid=0(root) groups=0(root)\n');
    return 0;
  },
  echo: async (args, _f, io) => {
    await io.out(`${args.join(' ')}\n`);
    return 0;
  },
  true: async () => 0,
  false: async () => 1,
};

function send(ws: WebSocket, channel: number, payload: Buffer): Promise<void> {
  const frame = Buffer.allocUnsafe(payload.length + 1);
  frame[0] = channel;
  payload.copy(frame, 1);
  return new Promise((resolve, reject) => ws.send(frame, { binary: true }, (err) => (err ? reject(err) : resolve())));
}

function statusFrame(ws: WebSocket, status: unknown): Promise<void> {
  return send(ws, 3, Buffer.from(JSON.stringify(status)));
}

export interface ExecOptions {
  stdout: boolean;
  stderr: boolean;
  /** Modification time (epoch ms) of files whose scenario gives none. */
  defaultMtime: number;
}

/** Runs argv in the container's virtual file system and streams the result over `ws`. */
export async function runExec(ws: WebSocket, argv: string[], data: ContainerData | undefined, opts: ExecOptions): Promise<void> {
  const fs = buildVfs(data, opts.defaultMtime);
  const io: Io = {
    out: async (b) => {
      if (!opts.stdout) return;
      const buf = typeof b === 'string' ? Buffer.from(b) : b;
      for (let off = 0; off < buf.length; off += FRAME) await send(ws, 1, buf.subarray(off, off + FRAME));
    },
    err: async (b) => {
      if (opts.stderr) await send(ws, 2, typeof b === 'string' ? Buffer.from(b) : b);
    },
  };
  try {
    const bin = posix.basename(argv[0] ?? '');
    const binaries = data?.distroless ? [] : (data?.binaries ?? DEFAULT_BINARIES);
    if (!argv.length || !binaries.includes(bin)) {
      const message = `Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${execId()}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0] ?? ''}": executable file not found in $PATH: unknown`;
      await statusFrame(ws, { metadata: {}, status: 'Failure', message, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 });
    } else {
      const cmd = COMMANDS[bin as keyof typeof COMMANDS];
      let code: number;
      if (cmd) code = await cmd(argv.slice(1), fs, io);
      else {
        await io.err(`${bin}: this command is present in the container but not emulated (supported: ${SUPPORTED_COMMANDS.join(', ')})\n`);
        code = 126;
      }
      if (code === 0) await statusFrame(ws, { metadata: {}, status: 'Success' });
      else {
        await statusFrame(ws, {
          metadata: {},
          status: 'Failure',
          message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
          reason: 'NonZeroExitCode',
          details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
        });
      }
    }
    ws.close(1000);
  } catch {
    // The client went away mid-stream: nothing left to tell it.
    ws.terminate();
  }
}

function execId(): string {
  return Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
}
