// Secrets by value (key formats that identify themselves) and by name, and their masking: a
// finding names the kind of secret and where it is, never the secret itself.

interface SecretFormat {
  kind: string;
  /** A substring every match contains: checked first, since most values are not secrets. */
  needle: string;
  re: RegExp;
  /** How many leading characters identify the format without revealing the secret (AKIA, ghp_). */
  keep: number;
}

/** Formats that say what they are; each is bounded and anchored on a fixed prefix or shape. */
const FORMATS: SecretFormat[] = [
  { kind: 'a PEM private key', needle: 'PRIVATE KEY', re: /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,8192}?(?:-----END [A-Z0-9 ]{0,40}-----|$)/, keep: 0 },
  { kind: 'an AWS access key', needle: 'A', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/, keep: 4 },
  { kind: 'a GitHub token', needle: '_', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/, keep: 4 },
  { kind: 'a GitLab token', needle: 'gl', re: /\bgl(?:pat|dt|rt|cbt|ptt|oas)-[A-Za-z0-9_-]{20,64}\b/, keep: 6 },
  { kind: 'a Slack token', needle: 'xox', re: /\bxox[abposr]-[A-Za-z0-9-]{10,200}\b/, keep: 5 },
  { kind: 'a Google API key', needle: 'AIza', re: /\bAIza[0-9A-Za-z_-]{35}\b/, keep: 4 },
  { kind: 'a Stripe secret key', needle: 'k_live_', re: /\b[sr]k_live_[0-9A-Za-z]{20,99}\b/, keep: 8 },
  { kind: 'an Azure storage connection string', needle: '=', re: /\bAccountKey=[A-Za-z0-9+/]{20,100}={0,2}/i, keep: 11 },
  { kind: 'an Azure shared access key', needle: '=', re: /\bSharedAccessKey=[A-Za-z0-9+/]{20,100}={0,2}/i, keep: 16 },
  { kind: 'an Azure shared access signature', needle: 'sig=', re: /[?&]sig=[A-Za-z0-9%+/]{30,200}/i, keep: 5 },
  { kind: 'a JSON web token', needle: 'eyJ', re: /\beyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8,4096}/, keep: 3 },
  { kind: 'a bearer token', needle: 'Bearer', re: /\bBearer\s+[A-Za-z0-9._~+/-]{20,4096}=*/, keep: 7 },
  { kind: 'a password in a URL', needle: '@', re: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/]{1,64}:[^\s@/$]{1,128}@[^\s/]/i, keep: 0 },
  // Azure storage account and Batch account keys: 64 random bytes in base64, exactly 88 characters.
  { kind: 'an Azure storage or Batch account key', needle: '==', re: /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])/, keep: 0 },
];

/** The kind of secret a value holds by its format, or null. */
export function secretValueKind(value: string): string | null {
  const v = value.length > 65536 ? value.slice(0, 65536) : value;
  for (const f of FORMATS) if (v.includes(f.needle) && f.re.test(v)) return f.kind;
  return null;
}

const SECRET_NAME = /(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|signing[_-]?key|encryption[_-]?key|credential|conn(ection)?[_-]?str(ing)?|client[_-]?secret|auth[_-]?key|sas[_-]?key|_key$|^key$)/i;
const NOT_A_SECRET = /(_file|_path|_dir|_name|_url|_uri|_endpoint|_id|_ref|_enabled|_ttl|_expiry|_length|_type|_prefix|_header|_size|_format|_mode|_version|_policy|_algorithm|_alg|_field|_secret_name|_key_name|_location)$|^(pwd|oldpwd|home|path)$/i;

/** A variable name that says it holds a secret (DB_PASSWORD, API_KEY, JWT_SIGNING_KEY), not a path or name of one. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_A_SECRET.test(name);
}

/** Not a literal secret: a reference to another variable, a template, or a switch. */
const PLACEHOLDER = /^(?:\$\([\w.-]+\)|\$\{[\w.:-]+\}|\{\{[^}]*\}\}|true|false|yes|no|none|null|changeme-in-secret|<[^>]*>|\*+|x+)$/i;

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

/** `--password=...`, `--client-secret=...`, `--token=...` with a literal value. */
export function secretFlagKind(arg: string): string | null {
  // The flag starts with a dash and has an `=`: most arguments have neither.
  if (arg.charCodeAt(0) !== 45 || !arg.includes('=')) return null;
  const m = /^--?[\w.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|signing[_-]?key)=(.+)$/i.exec(arg);
  return m && !/(?:file|path|dir)=/i.test(arg.slice(0, arg.indexOf('=') + 1)) && !isPlaceholder(m[1]!) ? 'a secret in a command-line flag' : null;
}

/** A value with nothing of the secret left: its kind's public prefix, when it has one, and its length. */
export function maskedValue(value: string, kind: string | null): string {
  const f = kind ? FORMATS.find((x) => x.kind === kind) : undefined;
  const m = f?.re.exec(value);
  const prefix = f && m && f.keep > 0 ? m[0].slice(0, f.keep) : '';
  return `<masked${kind ? ` ${kind}` : ''}: ${prefix ? `${prefix}…, ` : ''}${value.length} characters>`;
}

function maskOne(match: string, f: SecretFormat): string {
  if (f.kind === 'a password in a URL') return match.replace(/(:\/\/[^\s:@/]{1,64}:)[^\s@/$]{1,128}@/, '$1****@');
  return `${match.slice(0, f.keep)}****`;
}

/** The text with every secret-shaped part masked (command lines, log lines kept as evidence). */
export function maskSecrets(text: string): string {
  let out = text;
  for (const f of FORMATS) {
    if (!out.includes(f.needle) || !f.re.test(out)) continue;
    out = out.replace(new RegExp(f.re.source, f.re.flags.includes('g') ? f.re.flags : `${f.re.flags}g`), (m) => maskOne(m, f));
  }
  // Flags and assignments with a secret-looking name: keep the name, mask the value.
  return out.replace(/((?:^|[\s"'])--?[\w.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)[=\s:]\s*)([^\s"']{3,})/gi, (_m, k: string, v: string) =>
    isPlaceholder(v) ? `${k}${v}` : `${k}****`,
  );
}
