// Defender for Cloud alerts become findings with Defender's severity, a technique from the alert
// type, and the pod and address its entities name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALERT_RULES } from '../../../../src/core/detections/index.js';
import { alertFindings } from '../../../../src/core/detections/azure/index.js';
import { alert, citedAlerts } from './fixtures.js';

test('a K8S.NODE_ miner alert is a high runtime finding on its pod, with the miner technique', () => {
  const [f, ...rest] = alertFindings(citedAlerts([alert('K8S.NODE_CryptoCoinMinerArtifacts', 'High')]), {});
  assert.equal(rest.length, 0);
  assert.equal(f?.ruleId, ALERT_RULES.node.id);
  assert.equal(f?.severity, 'high');
  assert.equal(f?.techniqueId, 'MS-TA9039');
  assert.deepEqual(f?.resource, { kind: 'Pod', namespace: 'prod-web', name: 'web-7d9c-abcde', container: '' });
  assert.deepEqual(f?.sourceIps, ['10.244.1.17']);
  assert.equal(f?.eventTime, '2026-12-01T14:18:00.0000000Z');
  assert.deepEqual(f?.cites, ['snap/securityalerts_CL/000000001']);
});

test('severity is mapped, K8S_ alerts are control-plane findings, other alerts keep a rule of their own', () => {
  const found = alertFindings(citedAlerts([
    alert('K8S_PrivilegedContainer', 'Medium', { alertDisplayName: 'Privileged container detected', entities: [] }),
    alert('K8S_ExposedDashboard', 'Low', { alertDisplayName: 'Exposed Kubernetes dashboard detected', entities: [] }),
    alert('VM_SuspiciousActivity', 'Informational', { intent: 'Discovery', alertDisplayName: 'Something', entities: [] }),
  ]), {});
  assert.deepEqual(found.map((f) => [f.ruleId, f.severity, f.techniqueId]), [
    [ALERT_RULES.control.id, 'medium', 'MS-TA9018'],
    [ALERT_RULES.control.id, 'low', 'MS-TA9032'],
    [ALERT_RULES.other.id, 'info', 'MS-TA9029'],
  ]);
});

test('the same alert listed twice (subscription and resource-group scope) is one finding citing both', () => {
  const a = alert('K8S.NODE_CryptoCoinMinerArtifacts', 'High');
  const found = alertFindings(citedAlerts([a, structuredClone(a)]), {});
  assert.equal(found.length, 1);
  assert.equal(found[0]?.count, 1);
  assert.equal(found[0]?.cites.length, 2);
});

test('a dismissed alert is still reported, and says so', () => {
  const [f] = alertFindings(citedAlerts([alert('K8S.NODE_CryptoCoinMinerArtifacts', 'High', { status: 'Dismissed' })]), {});
  assert.match(f!.explanation, /status is Dismissed/);
});
