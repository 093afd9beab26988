// `npm run emulator -- --scenario FILE --kubeconfig-out FILE [--port N] [--token T] [--now RFC3339]`
// Writes a kubeconfig pointing at the emulator, prints the URL, serves until SIGINT/SIGTERM.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startKubeEmulator } from './index.js';
import { parseRfc3339 } from './params.js';

const USAGE = 'usage: npm run emulator -- --scenario FILE --kubeconfig-out FILE [--port N] [--token TOKEN] [--now RFC3339]\n';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    'kubeconfig-out': { type: 'string' },
    port: { type: 'string' },
    token: { type: 'string' },
    now: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || !values.scenario || !values['kubeconfig-out']) {
  process.stderr.write(USAGE);
  process.exit(values.help ? 0 : 2);
}

/** --now: where the clock starts (and what `${now}` in the scenario means); wins over the file's `now:`. */
function nowOption(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  try {
    return new Date(parseRfc3339(text));
  } catch {
    process.stderr.write(`emulator: --now "${text}" is not an RFC 3339 time (like 2026-11-30T10:00:00Z)\n${USAGE}`);
    process.exit(2);
  }
}
const now = nowOption(values.now);

const emulator = await startKubeEmulator({
  scenario: resolve(values.scenario),
  ...(values.port ? { port: Number(values.port) } : {}),
  ...(values.token ? { token: values.token } : {}),
  ...(now ? { now } : {}),
}).catch((err: unknown) => {
  // One line, no stack: a bad scenario file or a port in use is a usage problem.
  process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
for (const w of emulator.warnings) process.stderr.write(`warning: ${w}\n`);
const kubeconfig = resolve(values['kubeconfig-out']);
await emulator.writeKubeconfig(kubeconfig);
process.stdout.write(`Kubernetes API emulator for cluster "${emulator.scenario.cluster}" listening on ${emulator.url}\n`);
process.stdout.write(`clock starts at ${(emulator.scenario.now ?? emulator.now()).toISOString().replace('.000Z', 'Z')}\n`);
process.stdout.write(`kubeconfig written to ${kubeconfig} (context "${emulator.scenario.cluster}")\n`);
process.stdout.write(`try: KUBECONFIG=${kubeconfig} kubectl get pods -A   ·   stop with Ctrl+C\n`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: stopping the emulator\n`);
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
