// Addresses: is a source IP one of the cluster's pods (known pod IPs, or the pod CIDRs)?
// IPv4 and IPv6, parsed strictly: an attacker-chosen string that is no address matches nothing.

function v4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function v6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split('::').length > 2) return undefined;
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const groups = (x: string | undefined) => (x ? x.split(':') : []);
  let h = groups(head);
  let t = groups(tail);
  // An embedded IPv4 tail (::ffff:10.0.0.1) is two groups.
  const last = (tail !== undefined ? t : h).at(-1);
  if (last?.includes('.')) {
    const n = v4(last);
    if (n === undefined) return undefined;
    const extra = [(n >> 16n).toString(16), (n & 0xffffn).toString(16)];
    if (tail !== undefined) t = [...t.slice(0, -1), ...extra];
    else h = [...h.slice(0, -1), ...extra];
  }
  const missing = 8 - h.length - t.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  let n = 0n;
  for (const g of [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

interface Addr { n: bigint; bits: 32 | 128 }

export function parseIp(s: string): Addr | undefined {
  const a = v4(s.trim());
  if (a !== undefined) return { n: a, bits: 32 };
  const b = v6(s.trim());
  return b !== undefined ? { n: b, bits: 128 } : undefined;
}

export interface Cidr { base: Addr; prefix: number }

export function parseCidr(s: string): Cidr | undefined {
  const [ip, len] = s.split('/');
  const base = parseIp(ip ?? '');
  const prefix = len === undefined ? base?.bits : /^\d{1,3}$/.test(len) ? Number(len) : undefined;
  return base && prefix !== undefined && prefix <= base.bits ? { base, prefix } : undefined;
}

export function inCidr(ip: string, c: Cidr): boolean {
  const a = parseIp(ip);
  if (!a || a.bits !== c.base.bits) return false;
  const shift = BigInt(a.bits - c.prefix);
  return a.n >> shift === c.base.n >> shift;
}

/** The canonical text of an address: two spellings of one address (an IPv6 long and short form) compare equal. */
export function ipKey(s: string): string {
  const a = parseIp(s);
  return a ? `${a.bits}:${a.n.toString(16)}` : '';
}
