// The Azure rules are in the one catalogue: unique ids, techniques that resolve (Threat Matrix, or
// ATT&CK where the matrix has none), found by ruleMeta; scan's SARIF lists only the object rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_RULES, AZURE_RULES, OBJECT_RULES, ruleMeta, technique, toSarif } from '../../../../src/core/detections/index.js';

test('every Azure rule is registered once, with a technique from the catalogue', () => {
  const ids = ALL_RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
  assert.equal(ALL_RULES.length, OBJECT_RULES.length + AZURE_RULES.length);
  for (const r of AZURE_RULES) {
    assert.equal(ruleMeta(r.id), r);
    assert.ok(technique(r.techniqueId).name);
    assert.ok(r.help.length > 40, r.id);
  }
  assert.deepEqual(technique('T1562.008').tactics, ['Defense Evasion']);
});

test('scan\'s SARIF lists the object rules only: an Azure rule can yield no result over manifests', () => {
  const log = toSarif([], [], { toolVersion: '0.0.0', cwd: '/' });
  const listed = (log.runs[0]!.tool.driver.rules ?? []).map((r) => r.id);
  assert.deepEqual(listed, OBJECT_RULES.map((r) => r.id));
});
