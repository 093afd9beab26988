// Microsoft Defender for Cloud alerts on the cluster: the alerts of the cluster's resource group
// and of its node resource group (every page recorded). Which of them are about this cluster
// (resourceIdentifiers or entities naming it) is decided by the derivation, from the raw pages.
import { SecurityCenter } from '@azure/arm-security';
import { armOptions, gapOf, type SourceContext } from './context.js';
import { ADVICE, type CoverageSource } from './coverage.js';
import type { ResolvedCluster } from './resolve.js';

export const ALERTS_READ = { role: 'Security Reader (Microsoft.Security/locations/alerts/read)' };

/** Defender for Containers as the cluster's configuration says: true, false, or null when it does not say. */
export function defenderEnabled(c: ResolvedCluster): boolean | null {
  const v = c.json.properties?.securityProfile?.defender?.securityMonitoring?.enabled;
  return typeof v === 'boolean' ? v : null;
}

export async function readAlerts(ctx: SourceContext, cluster: ResolvedCluster, source: CoverageSource): Promise<void> {
  const defender = defenderEnabled(cluster);
  source.enabled = defender;
  if (defender === false) source.gaps.push({ scope: 'Defender for Containers', status: 'skipped', message: 'Defender for Containers is off on this cluster (securityProfile.defender.securityMonitoring).', advice: ADVICE.defenderOff });
  if (defender === null) source.gaps.push({ scope: 'Defender sensor', status: 'skipped', message: 'The Defender sensor is not deployed on this cluster (no securityProfile.defender): only alerts from the control-plane audit log (K8S_*) can exist, no runtime (K8S.NODE_*) alerts.', advice: ADVICE.defenderSensor });
  const groups = [cluster.resourceGroup, cluster.json.properties?.nodeResourceGroup].filter((g): g is string => typeof g === 'string' && g !== '');
  const distinct = groups.filter((g, i) => groups.findIndex((o) => o.toLowerCase() === g.toLowerCase()) === i);
  let readable = 0;
  for (const rg of distinct) {
    const scope = `/subscriptions/${cluster.subscriptionId}/resourceGroups/${rg}`;
    const client = new SecurityCenter(ctx.conn.credential, cluster.subscriptionId, armOptions(ctx, { source: 'alerts', operation: 'alerts.listByResourceGroup', scope }, source));
    try {
      for await (const page of client.alerts.listByResourceGroup(rg, { abortSignal: ctx.signal }).byPage()) void page;
      readable++;
      source.where.push(scope);
    } catch (err) {
      source.gaps.push(gapOf(err, { action: 'read the Defender for Cloud alerts', resource: scope, role: ALERTS_READ.role, scope: `alerts of ${scope}` }));
    }
  }
  source.reachable = readable > 0;
}
