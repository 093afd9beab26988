// What scan keeps past a file is given strings of its own (ownStrings.ts); the data must come out
// unchanged, whatever shape hostile input gives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import jsyaml from 'js-yaml';
import { ownString, ownStrings } from '../../../src/core/detections/ownStrings.js';

test('ownString gives the same characters, short strings and long ones, slices and pairs', () => {
  const text = `apiVersion: rbac.authorization.k8s.io/v1\nname: ${'é'.repeat(20)}\n`;
  for (const s of ['', 'a', 'twelve-chars', 'thirteen-char', text.slice(12, 40), text.slice(41), 'k/' + text.slice(12, 40) + '/x']) assert.equal(ownString(s), s);
});

test('ownStrings keeps every value and key of what a reader gives, a js-yaml "__proto__" key included', () => {
  const doc = jsyaml.load('apiVersion: v1\nkind: Service\nmetadata: {name: a-service-with-a-long-name, labels: {"__proto__": polluted-value-of-length}}\nspec: {ports: [{port: 22, name: ssh-port-of-the-gateway}], ratio: .inf, none: null, on: true}\n', { json: true });
  const before = structuredClone(doc);
  assert.equal(ownStrings(doc), doc, 'in place');
  assert.deepEqual(doc, before);
  const labels = (doc as { metadata: { labels: object } }).metadata.labels;
  assert.equal(Object.getPrototypeOf(labels), Object.prototype, 'the key stays data, never the prototype');
  assert.equal(Object.getOwnPropertyDescriptor(labels, '__proto__')?.value, 'polluted-value-of-length');
});

test('ownStrings leaves frozen objects alone and walks input nested deeper than the call stack', () => {
  const shared = Object.freeze({ id: 'a-frozen-rule-of-the-catalogue' });
  assert.doesNotThrow(() => ownStrings({ rule: shared, raw: [shared] }));
  let deep: unknown = 'the-innermost-string-of-all';
  for (let i = 0; i < 200_000; i++) deep = i % 2 ? [deep] : { v: deep };
  assert.doesNotThrow(() => ownStrings(deep));
  let inner = deep;
  while (typeof inner !== 'string') inner = Array.isArray(inner) ? inner[0] : (inner as { v: unknown }).v;
  assert.equal(inner, 'the-innermost-string-of-all');
});
