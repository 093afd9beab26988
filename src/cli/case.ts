// `kubeforensys case merge A B --out C`: two analysts' case files of the same bundle made one
// (stars OR, tags and comments united, the later view of a name), with the digest written anew.
import { writeFile } from 'node:fs/promises';
import { readInput } from '../core/regularFile.js';
import type { Command } from 'commander';
import { CaseFileError, caseDigest, mergeCases, parseCase, serializeCase } from '../core/timeline/caseFile.js';
import { safeText } from './format.js';

async function read(path: string): Promise<ReturnType<typeof parseCase>> {
  try {
    return parseCase(await readInput(path));
  } catch (err) {
    throw new CaseFileError(`${path}: ${(err as Error).message}`);
  }
}

export function registerCaseCommand(program: Command, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): void {
  const group = program.command('case').description('Analyst case files (stars, tags, comments, saved views) kept beside a bundle.');
  group
    .command('merge')
    .description('Merge two case files of the same bundle into one.')
    .argument('<a>', 'a case file (<bundle>.case.json)')
    .argument('<b>', 'another analyst\'s case file of the same bundle')
    .requiredOption('--out <file>', 'where to write the merged case file')
    .action(async (a: string, b: string, f: { out: string }) => {
      const [x, y] = await Promise.all([read(a), read(b)]);
      for (const [path, c] of [[a, x], [b, y]] as const) if (!c.digestOk) io.stderr.write(`warning: ${safeText(path, 300)} was changed outside KubeForenSys since its last save (digest mismatch)\n`);
      const merged = mergeCases(x.case, y.case);
      await writeFile(f.out, serializeCase(merged), 'utf8');
      io.stdout.write(`Merged ${Object.keys(merged.marks).length} marked rows and ${merged.views.length} views into ${safeText(f.out, 300)} (sha256 ${caseDigest(merged)}).\n`);
    });
}
