// Whose request is it: the control plane's own (data/controlPlane.json), the AKS local admin
// account, anonymous, or someone else.
import data from './data/controlPlane.json' with { type: 'json' };
import type { AuditView } from './read.js';

const EXACT = new Set(data.exact.map((e) => e.name));
const PREFIXES = data.prefixes.map((p) => p.prefix);

/** The username AKS's local cluster-admin certificate carries (see data/controlPlane.json). */
export const AKS_LOCAL_ADMIN = 'masterclient';

/** Extra identities a responder declares as the platform's own: exact names, or a prefix ending in '*'. */
export type PlatformIdentities = readonly string[];

function matches(name: string, extra: PlatformIdentities): boolean {
  if (EXACT.has(name) || PREFIXES.some((p) => name.startsWith(p))) return true;
  return extra.some((x) => (x.endsWith('*') ? name.startsWith(x.slice(0, -1)) : name === x));
}

/** A request the control plane made as itself (an impersonating request never is: the platform does not impersonate). */
export function isControlPlane(v: AuditView, extra: PlatformIdentities = []): boolean {
  return !v.impersonated && v.username !== '' && matches(v.username, extra);
}

export function isAnonymous(v: AuditView): boolean {
  const who = v.impersonated || v.username;
  return who === 'system:anonymous' || v.groups.includes('system:unauthenticated');
}

/** The service account ("namespace/name") a username names, or '' for any other identity. */
export function serviceAccountOf(username: string): string {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return m ? `${m[1]}/${m[2]}` : '';
}

/** A note for findings on the AKS local admin account: whose credential it is. */
export function identityNote(username: string): string {
  return username === AKS_LOCAL_ADMIN ? ' masterclient is the AKS local cluster-admin certificate: look in the Activity Log for who called listClusterAdminCredential before this.' : '';
}
