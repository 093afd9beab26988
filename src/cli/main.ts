// The kubeforensys command: the same core as the extension, for jump boxes and scripts.
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../core/version.js';
import { registerCollectCommands, EXIT, UsageError } from './collect.js';
import { registerScanCommand } from './scan.js';
import { registerAzureCommands } from './azure.js';
import { registerExportCommand } from './export.js';
import { registerCaseCommand } from './case.js';
import { cliStreams, safeText } from './format.js';

export function buildProgram(): Command {
  const { stdout, stderr } = cliStreams();
  const program = new Command('kubeforensys')
    .description('Collect forensic evidence from a Kubernetes cluster into a hash-verified evidence bundle, scan manifests, push to Azure Log Analytics and query one timeline.')
    .version(TOOL_VERSION)
    // Commander echoes what was typed (an unknown option, a bad value): through the same escaping.
    .configureOutput({ writeOut: (s) => void stdout.write(s), writeErr: (s) => void stderr.write(s) })
    .exitOverride();
  registerCollectCommands(program);
  registerScanCommand(program);
  registerExportCommand(program);
  registerAzureCommands(program, { stdout, stderr });
  registerCaseCommand(program, { stdout, stderr });
  // A usage error is one sentence and where to read more, not thirty lines of help.
  program.showHelpAfterError('(see kubeforensys --help)');
  for (const cmd of program.commands) cmd.showHelpAfterError(`(see kubeforensys ${cmd.name()} --help)`);
  return program;
}

/**
 * Errors users cause (bad arguments, a bad kubeconfig, credentials the server refuses, not a
 * bundle) exit 2; everything else 1. No stack traces unless asked.
 */
function exitCodeForError(err: Error): number {
  if (['KubeconfigError', 'BundleError', 'UsageError', 'CaseFileError'].includes(err.name)) return EXIT.usage;
  if (err.name === 'KubeApiError' && (err as Error & { status?: number }).status === 401) return EXIT.usage;
  return EXIT.failed;
}

/**
 * `--from` must come before `--to` (kql, timeline): otherwise the filter matches nothing and the
 * empty answer looks like "nothing happened". Both are normalized times, so text order is time order.
 */
function checkTimeRange(opts: { from?: unknown; to?: unknown }): void {
  if (typeof opts.from === 'string' && typeof opts.to === 'string' && opts.from >= opts.to) {
    throw new UsageError(`--from ${opts.from} is not before --to ${opts.to}; nothing could match.`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let command = '';
  program.hook('preAction', (_root, action) => {
    command = action.name();
    checkTimeRange(action.opts());
  });
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT.usage;
    const e = err instanceof Error ? err : new Error(String(err));
    // The message can carry server, kubeconfig or bundle text: it goes out escaped, on one line.
    const hint = e.name === 'UsageError' ? ` (see kubeforensys ${command ? `${command} ` : ''}--help)` : '';
    cliStreams().stderr.write(`kubeforensys: ${safeText(e.message, 2000)}${hint}\n`);
    if (process.env.KUBEFORENSYS_DEBUG) cliStreams().stderr.write(`${e.stack}\n`);
    return exitCodeForError(e);
  }
}

const invokedDirectly = process.argv[1] && /(?:^|[\\/])(cli\.mjs|main\.ts|kubeforensys)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
