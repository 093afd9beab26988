// RBAC findings: effective permissions per subject, called by the rbac collector.
import type { CollectorContext, CollectorEvent, KubeObject } from './types.js';

export interface RbacObjects {
  roles: KubeObject[];
  clusterRoles: KubeObject[];
  roleBindings: KubeObject[];
  clusterRoleBindings: KubeObject[];
}

// eslint-disable-next-line require-yield
export async function* rbacFindingEvents(_ctx: CollectorContext, _rbac: RbacObjects): AsyncIterable<CollectorEvent> {
  // Filled in by the detections engine.
}
