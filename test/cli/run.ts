// The kubeforensys CLI as a real process (from source through tsx), and the check that its
// output cannot act on a terminal.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { registerAzureCommands } from '../../src/cli/azure.js';

export const CLI = resolve('src/cli/main.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
  stderrBytes: Buffer;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Called once the process runs, e.g. to send it signals. */
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
}

export function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`kubeforensys ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 180_000} ms`));
    }, opts.timeoutMs ?? 180_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      const stderrBytes = Buffer.concat(err);
      done({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr: stderrBytes.toString('utf8'), stdoutBytes, stderrBytes });
    });
    opts.onSpawn?.(child);
  });
}

/**
 * The CLI on a pseudo-terminal (util-linux `script`), so it takes its terminal paths. The
 * terminal turns each "\n" into "\r\n"; what comes back is what a terminal would be sent.
 */
export function runCliOnTerminal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: Buffer }> {
  const quoted = [process.execPath, '--import', 'tsx', CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((done) => {
    const child = spawn('script', ['-qefc', `stty cols 200 2>/dev/null; ${quoted}`, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => out.push(d));
    child.on('close', (code) => done({ code, output: Buffer.concat(out) }));
  });
}

/** Code points a terminal acts on instead of showing (CR only right before a line feed: CRLF, and the terminal's own CR before it). */
export function terminalActions(bytes: Buffer | string): string[] {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const bidi = c === 0x061c || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x2028 || c === 0x2029;
    const control = (c < 0x20 && c !== 0x0a && c !== 0x09 && !(c === 0x0d && /^\r*\n/.test(text.slice(i + 1, i + 8)))) || (c >= 0x7f && c <= 0x9f);
    if (bidi || control) found.push(`U+${c.toString(16).padStart(4, '0')} at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 20), i + 20))}`);
  }
  return found;
}

export function assertTerminalSafe(bytes: Buffer | string, what: string): void {
  const found = terminalActions(bytes);
  assert.deepEqual(found.slice(0, 5), [], `${what} reaches the terminal raw`);
}

/** Waits until `ok()` holds, polling. */
export async function until(ok: () => boolean, what: string, ms = 180_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The Azure and timeline subcommands run in this process, their output captured (for tests that talk to the in-process Azure emulator). */
export async function runAzureCommands(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => new Writable({ write: (c, _e, cb) => (append(String(c)), cb()) });
  const program = new Command('kubeforensys').exitOverride();
  registerAzureCommands(program, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) });
  await program.parseAsync(['node', 'kubeforensys', ...args]);
  return { out, err };
}
