// KubeForenSys: Open Evidence Bundle. A folder picker; the bundle's manifest fills the tree.
import { errorMessage, settingsOf, type CommandContext } from '../host/context.js';

export async function openEvidenceBundle(cc: CommandContext, dir?: string): Promise<string | undefined> {
  const folder =
    typeof dir === 'string'
      ? dir
      : await cc.ui.pickFolder({ title: 'KubeForenSys: Open Evidence Bundle', openLabel: 'Open Bundle', defaultPath: settingsOf(cc).evidenceFolder ?? cc.defaultEvidenceFolder });
  if (!folder) return undefined;
  // A folder that is not a bundle is said here, not by the registrar: Ingest, Verify and Export
  // ask through this function and then simply stop.
  let bundle;
  try {
    bundle = await cc.core.openBundle(folder);
  } catch (err) {
    void cc.ui.showErrorMessage(`KubeForenSys: ${errorMessage(err)}`);
    return undefined;
  }
  await cc.state.setBundle({ dir: folder, manifest: bundle.manifest });
  cc.log.info(`opened bundle ${bundle.manifest.snapshotId} (${bundle.manifest.cluster.context}, ${bundle.manifest.status}) from ${folder}`);
  return folder;
}

/** The open bundle's folder, or asks for one. */
export async function bundleDirOrAsk(cc: CommandContext): Promise<string | undefined> {
  return cc.state.bundle?.dir ?? (await openEvidenceBundle(cc));
}
