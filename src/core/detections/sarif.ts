// SARIF 2.1.0 for `scan`: every rule in tool.driver.rules with its help text, one result per
// finding pointing at the file and line of the object, and unreadable inputs as notifications.
import { createHash } from 'node:crypto';
import type { ArtifactLocation, Location, Log, ReportingDescriptor, Result } from 'sarif';
import { relative, isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OBJECT_RULES } from './rules.js';
import { technique } from './techniques.js';
import type { Finding, Severity } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const MATRIX_URI = 'https://microsoft.github.io/Threat-Matrix-for-Kubernetes/';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub code scanning reads this property to rank security results. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

export interface SarifInputError {
  file: string;
  message: string;
}

export interface SarifOptions {
  toolVersion: string;
  /** Base directory: files under it are written as relative URIs against %SRCROOT%. */
  cwd: string;
}

function artifactUri(file: string, cwd: string): ArtifactLocation {
  const rel = relative(cwd, file);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(file).href };
}

export function toSarif(findings: readonly Finding[], errors: readonly SarifInputError[], opts: SarifOptions): Log {
  // scan reads objects: the Azure-side rules (azure/) can yield no result here, so they are not listed.
  const ruleIndex = new Map(OBJECT_RULES.map((r, i) => [r.id, i]));
  const rules = OBJECT_RULES.map((r): ReportingDescriptor => {
    const t = technique(r.techniqueId);
    return {
      id: r.id,
      name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: r.title },
      fullDescription: { text: r.help },
      help: {
        text: `${r.help}\nThreat Matrix for Kubernetes: ${t.id} ${t.name} (${t.tactics.join(', ')}).`,
        markdown: `${r.help}\n\n**Threat Matrix for Kubernetes:** [${t.id} ${t.name}](${MATRIX_URI}) — ${t.tactics.join(', ')}.`,
      },
      helpUri: MATRIX_URI,
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: { tags: ['security', 'kubernetes', t.id, ...t.tactics], 'security-severity': SECURITY_SEVERITY[r.severity], techniqueId: t.id, techniqueName: t.name },
    };
  });

  const results = findings.map((f): Result => {
    const fqn = [f.resource.namespace, f.resource.kind, f.resource.name, f.resource.container].filter(Boolean).join('/');
    const location: Location = {
      logicalLocations: [{ name: f.resource.container || f.resource.name, fullyQualifiedName: fqn, kind: 'object' }],
    };
    if (f.source) location.physicalLocation = { artifactLocation: artifactUri(f.source.file, opts.cwd), region: { startLine: Math.max(1, f.source.line) } };
    const fingerprint = createHash('sha256').update([f.ruleId, fqn, f.fieldPath, f.subject ? `${f.subject.kind}/${f.subject.namespace}/${f.subject.name}` : ''].join('\u0000')).digest('hex');
    return {
      ruleId: f.ruleId,
      ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
      level: LEVEL[f.severity],
      message: { text: `${f.explanation} [${f.techniqueId} ${f.techniqueName}]${f.baseline ? ' (baseline: expected platform workload)' : ''}` },
      locations: [location],
      partialFingerprints: { 'kubeforensysFinding/v1': fingerprint },
      properties: {
        severity: f.severity,
        techniqueId: f.techniqueId,
        techniqueName: f.techniqueName,
        tactics: f.tactics,
        resourceKind: f.resource.kind,
        resourceNamespace: f.resource.namespace,
        resourceName: f.resource.name,
        container: f.resource.container,
        fieldPath: f.fieldPath,
        fieldValue: f.fieldValue,
        baseline: f.baseline,
        ...(f.subject ? { subject: f.subject, bindings: f.bindings, recent: f.recent } : {}),
      },
    };
  });

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'KubeForenSys', version: opts.toolVersion, semanticVersion: opts.toolVersion, informationUri: MATRIX_URI, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(opts.cwd.endsWith(sep) ? opts.cwd : opts.cwd + sep).href } },
        invocations: [
          {
            executionSuccessful: errors.length === 0,
            toolExecutionNotifications: errors.map((e) => ({
              level: 'error' as const,
              message: { text: e.message },
              locations: [{ physicalLocation: { artifactLocation: artifactUri(e.file, opts.cwd) } }],
            })),
          },
        ],
        results,
      },
    ],
  };
}
