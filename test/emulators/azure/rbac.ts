// Role checks for the Azure emulator, as Azure RBAC evaluates them: a principal holds role
// assignments (actions and data actions at a scope); a request is allowed when an assignment
// whose scope contains the resource grants the operation and does not exclude it. Wildcards
// match as in role definitions ("*" is any text), case-insensitively.
import { randomBytes, randomUUID } from 'node:crypto';

export interface RoleDefinition {
  Actions?: string[];
  NotActions?: string[];
  DataActions?: string[];
  NotDataActions?: string[];
}

export interface RoleAssignment {
  /** An ARM scope: /subscriptions/…, a resource group, or a resource id. */
  scope: string;
  role: RoleDefinition;
}

export interface Principal {
  objectId: string;
  token: string;
  assignments: RoleAssignment[];
}

const patternCache = new Map<string, RegExp>();
function matches(pattern: string, operation: string): boolean {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
    patternCache.set(pattern, re);
  }
  return re.test(operation);
}

const within = (resource: string, scope: string) => {
  const r = resource.toLowerCase().replace(/\/+$/, '');
  const s = scope.toLowerCase().replace(/\/+$/, '');
  return r === s || r.startsWith(`${s}/`);
};

function grants(role: RoleDefinition, operation: string, kind: 'action' | 'data'): boolean {
  const allow = kind === 'action' ? role.Actions : role.DataActions;
  const deny = kind === 'action' ? role.NotActions : role.NotDataActions;
  return (allow ?? []).some((x) => matches(x, operation)) && !(deny ?? []).some((x) => matches(x, operation));
}

export class Rbac {
  private readonly byToken = new Map<string, Principal>();

  /** A principal with these assignments; its token is what the emulator accepts for it. */
  add(assignments: RoleAssignment[], tokenPrefix: string): Principal {
    const p: Principal = { objectId: randomUUID(), token: tokenPrefix + randomBytes(12).toString('hex'), assignments };
    this.byToken.set(p.token, p);
    return p;
  }

  principal(token: string): Principal | undefined {
    return this.byToken.get(token);
  }

  /** The assignments that apply at `resource`: what Microsoft.Authorization/permissions returns. */
  effective(p: Principal, resource: string): RoleDefinition[] {
    return p.assignments.filter((a) => within(resource, a.scope)).map((a) => a.role);
  }

  can(p: Principal, resource: string, operation: string, kind: 'action' | 'data' = 'action'): boolean {
    return p.assignments.some((a) => within(resource, a.scope) && grants(a.role, operation, kind));
  }

  /** True when an assignment strictly below `scope` grants the operation (ARM then filters a list instead of refusing it). */
  grantsWithin(p: Principal, scope: string, operation: string, kind: 'action' | 'data' = 'action'): boolean {
    return p.assignments.some((a) => within(a.scope, scope) && grants(a.role, operation, kind));
  }
}
