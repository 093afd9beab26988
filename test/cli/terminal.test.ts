// No byte from the cluster, a kubeconfig or a bundle can act on the terminal that reads our
// output (issue 14, point 9): the CLI as a real process against the emulator, on a pipe and on a
// pseudo-terminal. Log lines carry an OSC title change, a screen clear, a C1 CSI, a carriage
// return and U+202E; the context name and a server error carry ESC sequences; a planted file
// name in the bundle tries to print a fake "OK". Exports to a pipe or a file keep the bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startKubeEmulator, type KubeEmulator } from '../emulators/kube/index.js';
import { assertTerminalSafe, runCli, runCliOnTerminal } from './run.js';
import { multiLine, singleLine, terminalChunk, terminalJson, ERASE_LINE } from '../../src/core/text/terminal.js';
import { tempDir } from '../support/tempDir.js';

const TITLE = '\x1b]0;pwned\x07';
const HOSTILE_LINES = [`${TITLE}retitled`, '\x1b[2J\x1b[Hcleared', '\u009b31mC1 CSI', 'hidden\roverwritten', 'file \u202Etxt.exe', 'bell\x07\x7f'];
const CONTEXT = 'prod\x1b]0;ctx-title\x07';

let emu: KubeEmulator;
let work: string;
let kubeconfig: string;
let bundle: string;

function scenario(now: Date): string {
  const t = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u-web', creationTimestamp: t(600), annotations: { note: `\u202Eevil${TITLE}` } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'c', restartCount: 0, state: { running: { startedAt: t(600) } } }] },
  };
  const data = {
    apiVersion: 'kubeforensys.dev/emulator-v1',
    kind: 'KubeForenSysEmulatorData',
    cluster: 'hostile',
    containers: [{ namespace: 'default', pod: 'web', container: 'c', logs: HOSTILE_LINES.map((text, i) => ({ time: t(300 - i), text })) }],
  };
  return [pod, data].map((d) => stringify(d)).join('---\n');
}

before(async () => {
  work = await tempDir('kfs-terminal-');
  await writeFile(join(work, 's.yaml'), scenario(new Date()));
  emu = await startKubeEmulator({ scenario: join(work, 's.yaml') });
  kubeconfig = join(work, 'kc.yaml');
  await emu.writeKubeconfig(kubeconfig);
  // The kubeconfig's context name is file-supplied text too.
  const kc = parse(await readFile(kubeconfig, 'utf8'));
  kc.contexts[0].name = CONTEXT;
  kc['current-context'] = CONTEXT;
  await writeFile(kubeconfig, stringify(kc));
});
after(() => emu.close());

test('the core escapes every control and bidi character, and its JSON still parses to the same value', () => {
  const all = Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)).join('') + '\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069';
  assertTerminalSafe(singleLine(all), 'singleLine');
  assertTerminalSafe(multiLine(all), 'multiLine');
  assert.equal(singleLine('a\nb'), 'a\\x0ab', 'one line stays one line');
  assert.equal(multiLine('a\r\nb\rc'), 'a\r\nb\\x0dc', 'CR only as part of CRLF');
  assert.equal(singleLine('\u202Etxt.exe'), '\\u202etxt.exe');
  const json = terminalJson({ all });
  assertTerminalSafe(json, 'terminalJson');
  assert.deepEqual(JSON.parse(json), { all });
  assert.equal(terminalChunk(`${ERASE_LINE}… 3/4${ERASE_LINE}`), `${ERASE_LINE}… 3/4\\x0d\\x1b[2K`, 'only our leading erase-line passes');
});

test('collect, its summary, its errors and collection.log show hostile text escaped', async () => {
  const res = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', join(work, 'out'), '--artifacts', 'podInventory,containerLogs']);
  assert.equal(res.code, 0, res.stderr);
  assertTerminalSafe(res.stdoutBytes, 'collect stdout');
  assertTerminalSafe(res.stderrBytes, 'collect stderr');
  bundle = join(work, 'out', (await readdir(join(work, 'out')))[0]!);
  const log = await readFile(join(bundle, 'collection.log'), 'utf8');
  assertTerminalSafe(log, 'collection.log');
  assert.ok(log.includes('prod\\x1b]0;ctx-title\\x07'), 'the context name is in the log, escaped');

  const json = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', join(work, 'out2'), '--artifacts', 'podInventory', '--json']);
  assertTerminalSafe(json.stdoutBytes, 'collect --json');
  assert.equal(JSON.parse(json.stdout).context, CONTEXT, 'the JSON keeps the value');

  const wrongContext = await runCli(['collect', '--kubeconfig', kubeconfig, '--context', `x${TITLE}`, '--out', join(work, 'out3')]);
  assert.equal(wrongContext.code, 2);
  assertTerminalSafe(wrongContext.stderrBytes, 'a kubeconfig error naming contexts');
  assert.match(wrongContext.stderr, /The context x\\x1b\]0;pwned\\x07 \(from --context\) is not defined/);

  const undo = emu.faults.add({ type: 'error', path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', status: 400, message: `bad ${TITLE}\x1b[1A\x1b[2K request` });
  try {
    const fatal = await runCli(['collect', '--kubeconfig', kubeconfig, '--out', join(work, 'out4')]);
    assert.equal(fatal.code, 1);
    assertTerminalSafe(fatal.stderrBytes, 'a fatal error carrying server text');
    assert.match(fatal.stderr, /bad \\x1b\]0;pwned\\x07\\x1b\[1A\\x1b\[2K request/);
  } finally {
    undo();
  }
});

test('timeline to a terminal, as a table, CSV and JSON lines, moves no cursor; to a pipe CSV keeps the bytes', async () => {
  for (const format of ['table', 'csv', 'jsonl']) {
    const res = await runCliOnTerminal(['timeline', bundle, '--format', format]);
    assert.equal(res.code, 0, res.output.toString());
    assertTerminalSafe(res.output, `timeline --format ${format} on a terminal`);
    assert.ok(res.output.toString().includes('\\u202etxt.exe'), `${format} shows U+202E as text`);
    // JSON writes ESC as its own escape, \u001b; the table and CSV as \x1b.
    assert.ok(res.output.toString().includes(format === 'jsonl' ? '\\u001b]0;pwned' : '\\x1b]0;pwned'), `${format} shows the title sequence as text`);
  }
  const jsonl = await runCliOnTerminal(['timeline', bundle, '--format', 'jsonl']);
  for (const line of jsonl.output.toString().split('\r\n').filter(Boolean)) JSON.parse(line); // still JSON on a terminal
  const piped = await runCli(['timeline', bundle, '--format', 'csv']);
  assert.equal(piped.code, 0, piped.stderr);
  assert.ok(piped.stdout.includes(TITLE), 'CSV to a pipe or a file keeps the data as it is');
  assert.ok(piped.stdout.includes('\u202Etxt.exe'));
});

test('a planted file name cannot make verify look like OK: the list of problems is escaped', async () => {
  await writeFile(join(bundle, 'raw', `x\r\x1b[2KOK: 12 files match their SHA-256\x1b[8m`), 'planted');
  const res = await runCli(['verify', bundle]);
  assert.equal(res.code, 1);
  assertTerminalSafe(res.stdoutBytes, 'verify output');
  assert.match(res.stdout, /^TAMPERED: /);
  assert.match(res.stdout, /extra\s+raw\/x\\x0d\\x1b\[2KOK: 12 files match their SHA-256\\x1b\[8m: on disk but not in the manifest/);
  const json = await runCli(['verify', bundle, '--json']);
  assertTerminalSafe(json.stdoutBytes, 'verify --json');
  assert.ok(JSON.parse(json.stdout).problems.some((p: { path: string }) => p.path.includes('\r\x1b[2KOK')));
});
