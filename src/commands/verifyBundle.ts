// KubeForenSys: Verify Evidence Bundle. Recomputes every SHA-256 and names each modified, missing
// or extra file (in the log, and the first few in the message).
import type { VerifyReport } from '../core/evidence/verify.js';
import type { CommandContext } from '../host/context.js';
import { bundleDirOrAsk } from './openBundle.js';

/** `bundleDir`: a path or the tree's snapshot item; else the open bundle, else a folder picker. */
export async function verifyEvidenceBundle(cc: CommandContext, bundleDir?: string): Promise<VerifyReport | undefined> {
  const dir = bundleDir ?? (await bundleDirOrAsk(cc));
  if (!dir) return undefined;
  const report = await cc.ui.withCancellable('KubeForenSys: verifying evidence bundle', (_report, signal) => cc.core.verifyBundle(dir, signal), {
    failed: `cannot verify ${dir}`,
  });
  if (report.ok) {
    cc.log.info(`verify ${dir}: OK, ${report.checked} files match their SHA-256`);
    void cc.ui.showInformationMessage(`KubeForenSys: bundle verified: ${report.checked} files match the manifest's SHA-256 hashes.`);
  } else {
    for (const p of report.problems) cc.log.error(`verify ${dir}: ${p.kind} ${p.path}: ${p.detail}`);
    const first = report.problems.slice(0, 3).map((p) => `${p.kind} ${p.path}`).join('; ');
    const more = report.problems.length > 3 ? ` and ${report.problems.length - 3} more` : '';
    const choice = await cc.ui.showErrorMessage(`KubeForenSys: bundle does NOT verify: ${first}${more}.`, 'Show Log');
    if (choice) cc.log.show();
  }
  return report;
}

