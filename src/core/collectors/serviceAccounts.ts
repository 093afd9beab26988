// Service accounts: token automount setting, the names (never the values) of their secrets
// and image pull secrets, and Azure workload identity annotations.
import { serviceAccounts } from '../schema/tables.js';
import type { Collector } from './types.js';
import { arr, common, meta, obj, perObjectCollector, rowEvent, str } from './common.js';

const WI_CLIENT = 'azure.workload.identity/client-id';
const WI_TENANT = 'azure.workload.identity/tenant-id';

export const serviceAccountsCollector: Collector = perObjectCollector('serviceAccounts', 'serviceaccounts', function* (sa) {
  const m = meta(sa);
  const ns = str(m.namespace);
  const name = str(m.name);
  const annotations = m.annotations ?? {};
  const automount = sa.automountServiceAccountToken;
  const clientId = str(annotations[WI_CLIENT]);
  yield rowEvent(serviceAccounts.name, {
    ...common({
      time: str(m.creationTimestamp) || null,
      type: 'ServiceAccount',
      namespace: ns,
      summary: `ServiceAccount ${ns}/${name}${automount === false ? ' (token automount off)' : ''}${clientId ? ` with workload identity ${clientId}` : ''}`,
    }),
    ServiceAccountName: name,
    Uid: str(m.uid),
    AutomountToken: automount === true ? 'true' : automount === false ? 'false' : 'unset',
    SecretNames: arr(sa.secrets).map((s) => str(obj(s).name)),
    ImagePullSecretNames: arr(sa.imagePullSecrets).map((s) => str(obj(s).name)),
    WorkloadIdentityClientId: clientId,
    WorkloadIdentityTenantId: str(annotations[WI_TENANT]),
    Labels: m.labels ?? {},
    Annotations: annotations,
  });
});
