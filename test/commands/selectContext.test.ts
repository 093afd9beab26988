import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { selectContext } from '../../src/commands/selectContext.js';
import { resolveContext } from '../../src/host/context.js';
import { readSettings, resolveKubeconfig } from '../../src/host/settings.js';
import { testContext, FakeConfig } from '../extension/fakes.js';
import { kubeconfigYaml, TWO_CONTEXTS, writeKubeconfig } from '../extension/kubeconfigFixture.js';

test('the context picker lists context, cluster and user, stores the choice, and never writes the kubeconfig', async () => {
  const path = await writeKubeconfig('config', TWO_CONTEXTS);
  const before = await readFile(path);
  const mtime = (await stat(path)).mtimeMs;
  const cc = testContext({ user: { 'kubeforensys.kubeconfig': path } });
  cc.ui.pick = (items) => items.find((i) => i.label === 'aks-prod-weu');

  assert.equal((await resolveContext(cc)).current?.name, 'kind-lab', 'before a choice: the kubeconfig current-context');
  const chosen = await selectContext(cc);
  assert.equal(chosen, 'aks-prod-weu');
  const items = cc.ui.picks[0]!.items;
  assert.deepEqual(
    items.map((i) => [i.label, i.description, i.detail]),
    [
      ['aks-prod-weu', 'aks-prod-weu', 'user clusterUser_rg_aks-prod-weu · namespace prod-web'],
      ['kind-lab', 'kind-lab (in use, current-context)', 'user kind-lab-admin'],
    ],
  );
  assert.equal(cc.state.selectedContext, 'aks-prod-weu');
  const now = await resolveContext(cc);
  assert.deepEqual(now.current, { name: 'aks-prod-weu', cluster: 'aks-prod-weu', user: 'clusterUser_rg_aks-prod-weu', explicit: true });
  assert.deepEqual(await readFile(path), before, 'the kubeconfig bytes are unchanged');
  assert.equal((await stat(path)).mtimeMs, mtime);
});

test('a picked context that disappeared from the kubeconfig falls back to current-context', async () => {
  const path = await writeKubeconfig('config', TWO_CONTEXTS);
  const cc = testContext({ user: { 'kubeforensys.kubeconfig': path } });
  await cc.state.selectContext('deleted-cluster');
  assert.deepEqual((await resolveContext(cc)).current, { name: 'kind-lab', cluster: 'kind-lab', user: 'kind-lab-admin', explicit: false });
});

test('an untrusted workspace ignores the workspace kubeconfig and evidence folder; a trusted one uses them', async () => {
  const userPath = await writeKubeconfig('user-config', TWO_CONTEXTS);
  // A kubeconfig planted in a cloned repository: its exec plugin would run a program.
  const planted = await writeKubeconfig(
    'evil-config',
    kubeconfigYaml([{ name: 'planted', cluster: 'planted', user: 'planted' }], 'planted').replace('    token: not-a-real-token', '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /tmp/pwn.sh'),
  );
  const settings = {
    user: { 'kubeforensys.kubeconfig': userPath, 'kubeforensys.evidenceFolder': '/home/analyst/evidence', 'kubeforensys.sinceHours': 6 },
    workspace: { 'kubeforensys.kubeconfig': planted, 'kubeforensys.evidenceFolder': '/tmp/attacker-visible', 'kubeforensys.sinceHours': 2 },
  };
  const untrusted = testContext({ ...settings, trusted: false });
  const listed: (string | undefined)[] = [];
  const realList = untrusted.core.listContexts;
  untrusted.core.listContexts = (p) => (listed.push(p), realList(p));
  const r = await resolveContext(untrusted);
  assert.deepEqual(listed, [userPath], 'only the user\'s kubeconfig was read');
  assert.equal(r.current?.name, 'kind-lab');
  const s = readSettings(untrusted.workspace);
  assert.equal(s.evidenceFolder, '/home/analyst/evidence');
  assert.equal(s.sinceHours, 2, 'settings that cannot run code still come from the workspace');

  const trusted = testContext({ ...settings, trusted: true });
  assert.equal((await resolveContext(trusted)).current?.name, 'planted');
  assert.equal(readSettings(trusted.workspace).evidenceFolder, '/tmp/attacker-visible');
});

test('kubeconfig order: our setting, the Kubernetes extension, KUBECONFIG, ~/.kube/config', () => {
  const ws = (user: Record<string, unknown> = {}, workspace: Record<string, unknown> = {}, isTrusted = true) => ({ isTrusted, config: new FakeConfig(user, workspace) });
  const env = { KUBECONFIG: ['/a/one', '/a/two'].join(process.platform === 'win32' ? ';' : ':') };
  assert.deepEqual(resolveKubeconfig(ws({ 'kubeforensys.kubeconfig': '~/k/own' }), '/from/api', env, '/home/u'), { paths: ['/home/u/k/own'], origin: 'kubeforensys.kubeconfig' });
  assert.deepEqual(resolveKubeconfig(ws(), '/from/api', env, '/home/u'), { paths: ['/from/api'], origin: 'kubernetes-extension' });
  assert.deepEqual(resolveKubeconfig(ws({ 'vs-kubernetes': { 'vs-kubernetes.kubeconfig': '/from/setting' } }), undefined, env, '/home/u'), { paths: ['/from/setting'], origin: 'kubernetes-extension' });
  assert.deepEqual(resolveKubeconfig(ws({}, { 'vs-kubernetes': { 'vs-kubernetes.kubeconfig': '/planted' } }, false), undefined, env, '/home/u').origin, 'KUBECONFIG', 'untrusted: the Kubernetes extension\'s workspace setting is ignored too');
  assert.deepEqual(resolveKubeconfig(ws(), undefined, env, '/home/u'), { paths: ['/a/one', '/a/two'], origin: 'KUBECONFIG' });
  assert.deepEqual(resolveKubeconfig(ws(), undefined, {}, '/home/u'), { paths: [join('/home/u', '.kube', 'config')], origin: 'default' });
});

test('an unreadable kubeconfig is one clear error, not a crash', async () => {
  const path = await writeKubeconfig('broken', 'clusters: [unclosed\n');
  const cc = testContext({ user: { 'kubeforensys.kubeconfig': path } });
  assert.equal(await selectContext(cc), undefined);
  assert.equal(cc.ui.shown[0]!.level, 'error');
  assert.match(cc.ui.shown[0]!.message, /cannot read the kubeconfig: The kubeconfig file .*broken is not valid YAML/);
});
