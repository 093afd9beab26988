// KubeForenSys: Copy Timeline KQL. Puts the unified union query (with the open panel's filter) on
// the clipboard, for the Azure portal's Logs blade.
import { emptyFilter } from '../core/timeline/filter.js';
import { settingsOf, type CommandContext } from '../host/context.js';

export async function copyTimelineKql(cc: CommandContext): Promise<string> {
  const s = settingsOf(cc);
  const query = await cc.core.timelineKql(cc.timeline.currentFilter() ?? emptyFilter(), {
    includeContainerInsights: s.azure.includeContainerInsights,
    includeAksAudit: s.azure.includeAksAudit,
  });
  await cc.ui.writeClipboard(query);
  void cc.ui.showInformationMessage('KubeForenSys: timeline KQL copied to the clipboard (paste it in the workspace\'s Logs blade).');
  return query;
}
