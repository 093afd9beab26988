// KubeForenSys: Verify Evidence Bundle. Recomputes every SHA-256 and names each modified, missing
// or extra file (in the log, and the first few in the message).
import type { VerifyReport } from '../core/evidence/verify.js';
import { errorMessage, isAbortError, type CommandContext } from '../host/context.js';
import { bundleDirOrAsk } from './openBundle.js';

export async function verifyEvidenceBundle(cc: CommandContext, dirArg?: unknown): Promise<VerifyReport | undefined> {
  const dir = typeof dirArg === 'string' ? dirArg : isSnapshotNode(dirArg) ? dirArg.dir : await bundleDirOrAsk(cc);
  if (!dir) return undefined;
  let report: VerifyReport;
  try {
    report = await cc.ui.withProgress({ title: 'KubeForenSys: verifying evidence bundle', cancellable: true }, async (_p, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await cc.core.verifyBundle(dir, abort.signal);
      } finally {
        sub.dispose();
      }
    });
  } catch (err) {
    if (isAbortError(err)) return undefined;
    void cc.ui.showErrorMessage(`KubeForenSys: cannot verify ${dir}: ${errorMessage(err)}`);
    return undefined;
  }
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

function isSnapshotNode(v: unknown): v is { kind: 'snapshot'; dir: string } {
  return !!v && typeof v === 'object' && (v as { kind?: unknown }).kind === 'snapshot' && typeof (v as { dir?: unknown }).dir === 'string';
}
