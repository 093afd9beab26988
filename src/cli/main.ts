// The kubeforensys command: the same core as the extension, for jump boxes and scripts.
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../core/version.js';
import { registerCollectCommands, EXIT } from './collect.js';
import { registerScanCommand } from './scan.js';
import { registerAzureCommands } from './azure.js';
import { registerExportCommand } from './export.js';

export function buildProgram(): Command {
  const program = new Command('kubeforensys')
    .description('Collect forensic evidence from a Kubernetes cluster into a hash-verified evidence bundle, scan manifests, push to Azure Log Analytics and query one timeline.')
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerCollectCommands(program);
  registerScanCommand(program);
  registerExportCommand(program);
  registerAzureCommands(program);
  return program;
}

/** Errors users cause (bad kubeconfig, not a bundle) exit 2; everything else 1. No stack traces unless asked. */
function exitCodeForError(err: Error): number {
  return ['KubeconfigError', 'BundleError', 'UsageError'].includes(err.name) ? EXIT.usage : EXIT.failed;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT.usage;
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`kubeforensys: ${e.message}\n`);
    if (process.env.KUBEFORENSYS_DEBUG) process.stderr.write(`${e.stack}\n`);
    return exitCodeForError(e);
  }
}

const invokedDirectly = process.argv[1] && /(?:^|[\\/])(cli\.mjs|main\.ts|kubeforensys)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
