// KubeForenSys: Select Cluster Context. A QuickPick of the kubeconfig's contexts (label context,
// description cluster, detail user). The choice is kept in the extension's state: the user's
// kubeconfig file is never written.
import type { PickItem } from '../host/seam.js';
import { resolveContext, type CommandContext } from '../host/context.js';
import type { KubeContext } from '../host/services.js';

interface ContextPick extends PickItem {
  context: KubeContext;
}

export async function selectContext(cc: CommandContext): Promise<string | undefined> {
  const resolved = await resolveContext(cc);
  const where = resolved.kubeconfig.paths.join(', ');
  if (resolved.error) {
    void cc.ui.showErrorMessage(`KubeForenSys: cannot read the kubeconfig: ${resolved.error}`);
    return undefined;
  }
  if (resolved.contexts.length === 0) {
    void cc.ui.showWarningMessage(`KubeForenSys: the kubeconfig ${where} has no contexts. Set kubeforensys.kubeconfig to the file to use.`);
    return undefined;
  }
  const items: ContextPick[] = resolved.contexts.map((c) => ({
    label: c.name,
    description: tagged(c.cluster, [c.name === resolved.current?.name && 'in use', c.current && 'current-context']),
    detail: `user ${c.user}${c.namespace ? ` · namespace ${c.namespace}` : ''}`,
    context: c,
  }));
  const choice = await cc.ui.showQuickPick(items, {
    title: 'KubeForenSys: Select Cluster Context',
    placeHolder: `Context to collect from (kubeconfig ${where}; the file is not modified)`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!choice) return undefined;
  await cc.state.selectContext(choice.context.name);
  cc.log.info(`context ${choice.context.name} selected (cluster ${choice.context.cluster}, user ${choice.context.user})`);
  return choice.context.name;
}

function tagged(text: string, tags: (string | false)[]): string {
  const t = tags.filter(Boolean);
  return t.length ? `${text} (${t.join(', ')})` : text;
}
