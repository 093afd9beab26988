// RBAC findings: effective permissions per subject, called by the rbac collector once it has
// emitted the roles and bindings it listed.
import { rbacFindings } from '../schema/tables.js';
import { detectRbacFindings, rbacFindingRow, type RbacObjects } from '../detections/index.js';
import type { CollectorContext, CollectorEvent } from './types.js';
import { rowEvent } from './common.js';

export type { RbacObjects };

export async function* rbacFindingEvents(ctx: CollectorContext, rbac: RbacObjects): AsyncIterable<CollectorEvent> {
  const findings = detectRbacFindings(rbac, { platformRegistries: ctx.options.platformRegistries, now: ctx.options.now, sinceSeconds: ctx.options.sinceSeconds });
  for (const f of findings) {
    ctx.signal.throwIfAborted();
    yield rowEvent(rbacFindings.name, rbacFindingRow(f));
  }
}
