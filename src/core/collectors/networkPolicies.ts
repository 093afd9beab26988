// Network policies with their pod selector, policy types and ingress/egress rules in full.
import { networkPolicies } from '../schema/tables.js';
import type { Collector } from './types.js';
import { arr, common, meta, obj, perObjectCollector, rowEvent, str } from './common.js';

export const networkPoliciesCollector: Collector = perObjectCollector('networkPolicies', 'networkpolicies', function* (np) {
  const m = meta(np);
  const ns = str(m.namespace);
  const name = str(m.name);
  const spec = obj(np.spec);
  const types = arr(spec.policyTypes).map(str);
  yield rowEvent(networkPolicies.name, {
    ...common({
      time: str(m.creationTimestamp) || null,
      type: 'NetworkPolicy',
      namespace: ns,
      summary: `NetworkPolicy ${ns}/${name} (${types.join(', ') || 'Ingress'}) selecting ${JSON.stringify(spec.podSelector ?? {})}`,
    }),
    PolicyName: name,
    Uid: str(m.uid),
    PodSelector: spec.podSelector ?? {},
    PolicyTypes: types,
    Ingress: spec.ingress ?? null,
    Egress: spec.egress ?? null,
  });
});
