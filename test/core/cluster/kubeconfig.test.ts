// Kubeconfig loading as kubectl does it, and the one-sentence errors a responder sees when the
// kubeconfig cannot be used. No server needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { spawnSync } from 'node:child_process';
import { listContexts, loadKubeconfig } from '../../../src/core/cluster/kubeconfig.js';
import { KubeconfigError, KubeApiError } from '../../../src/core/cluster/errors.js';
import { connectCluster } from '../../../src/core/cluster/connect.js';
import { tempDir } from '../../support/tempDir.js';

interface Cfg {
  current?: string;
  clusters?: { name: string; server?: string }[];
  users?: { name: string; user?: Record<string, unknown> }[];
  contexts?: { name: string; cluster?: string; user?: string; namespace?: string }[];
}

function yamlOf(c: Cfg): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': c.current,
    clusters: (c.clusters ?? []).map((x) => ({ name: x.name, cluster: x.server === undefined ? {} : { server: x.server } })),
    users: (c.users ?? []).map((u) => ({ name: u.name, user: u.user ?? { token: 't' } })),
    contexts: (c.contexts ?? []).map((x) => ({ name: x.name, context: { cluster: x.cluster, user: x.user, namespace: x.namespace } })),
  });
}

async function dir(): Promise<string> {
  return tempDir('kfs-kc-');
}

async function write(d: string, name: string, text: string): Promise<string> {
  const p = join(d, name);
  await writeFile(p, text);
  return p;
}

const simple = (name: string, server = `https://${name}.example:443`): Cfg => ({
  current: name,
  clusters: [{ name: `${name}-cluster`, server }],
  users: [{ name: `${name}-user` }],
  contexts: [{ name, cluster: `${name}-cluster`, user: `${name}-user` }],
});

function throwsKubeconfig(fn: () => unknown, ...patterns: RegExp[]): KubeconfigError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof KubeconfigError, `expected a KubeconfigError, got ${String(caught)}`);
  for (const p of patterns) assert.match(caught.message, p);
  assert.doesNotMatch(caught.message, /\n\s+at /, 'no stack trace in the message');
  return caught;
}

test('KUBECONFIG files are merged and the first file current-context wins, as in kubectl', async () => {
  const d = await dir();
  const a = await write(d, 'a.yaml', yamlOf(simple('alpha')));
  const bCfg = simple('beta');
  // The second file also defines a cluster named like the first one's: the first one wins.
  bCfg.clusters!.push({ name: 'alpha-cluster', server: 'https://evil.example' });
  const b = await write(d, 'b.yaml', yamlOf(bCfg));
  const env = { KUBECONFIG: [a, b].join(delimiter) };
  const loaded = loadKubeconfig({ env });
  assert.equal(loaded.contextName, 'alpha');
  assert.equal(loaded.server, 'https://alpha.example:443');
  assert.deepEqual(loaded.files, [a, b]);
  // Contexts of the second file are usable with an explicit context.
  const beta = loadKubeconfig({ env, context: 'beta' });
  assert.equal(beta.server, 'https://beta.example:443');
  assert.equal(beta.kubeConfig.getCurrentCluster()?.server, 'https://beta.example:443');
  const contexts = listContexts({ env });
  assert.deepEqual(
    contexts.map((c) => [c.name, c.current]),
    [
      ['alpha', true],
      ['beta', false],
    ],
  );
  assert.equal(contexts[1]!.cluster, 'beta-cluster');
});

test('an explicit file wins over KUBECONFIG, which wins over ~/.kube/config', async () => {
  const d = await dir();
  const home = join(d, 'home');
  await mkdir(join(home, '.kube'), { recursive: true });
  await write(join(home, '.kube'), 'config', yamlOf(simple('homectx')));
  const envFile = await write(d, 'env.yaml', yamlOf(simple('envctx')));
  const explicit = await write(d, 'explicit.yaml', yamlOf(simple('explicitctx')));
  assert.equal(loadKubeconfig({ home, env: {} }).contextName, 'homectx');
  assert.equal(loadKubeconfig({ home, env: { KUBECONFIG: envFile } }).contextName, 'envctx');
  assert.equal(loadKubeconfig({ home, env: { KUBECONFIG: envFile }, path: explicit }).contextName, 'explicitctx');
});

test('a malformed kubeconfig names the file', async () => {
  const d = await dir();
  const p = await write(d, 'broken.yaml', 'apiVersion: v1\nclusters: [\n  - name: x\n    cluster: {server: "https://x"\n');
  throwsKubeconfig(() => loadKubeconfig({ path: p }), /not valid YAML/, new RegExp(p.replace(/[/\\.]/g, '\\$&')));
  throwsKubeconfig(() => loadKubeconfig({ path: join(d, 'absent.yaml') }), /Cannot read the kubeconfig file .*absent\.yaml/);
});

test('a FIFO in a kubeconfig\'s place is named, never waited on; certificate paths are taken from the file\'s own folder', { timeout: 20_000 }, async () => {
  const d = await dir();
  const fifo = join(d, 'fifo.yaml');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  throwsKubeconfig(() => loadKubeconfig({ path: fifo }), /^Cannot read the kubeconfig file .*fifo\.yaml \(it is a FIFO, not a regular file\)\.$/);
  throwsKubeconfig(() => loadKubeconfig({ env: { KUBECONFIG: fifo } }), /it is a FIFO, not a regular file/);
  await mkdir(join(d, 'sub'));
  const withCa = stringify({ ...parse(yamlOf(simple('ca'))), clusters: [{ name: 'ca-cluster', cluster: { server: 'https://ca.example:443', 'certificate-authority': 'certs/ca.pem' } }] });
  const loaded = loadKubeconfig({ path: await write(join(d, 'sub'), 'config.yaml', withCa) });
  assert.equal(loaded.kubeConfig.getCurrentCluster()?.caFile, join(d, 'sub', 'certs', 'ca.pem'));
});

test('a missing context, cluster, user or server names the context and the field', async () => {
  const d = await dir();
  const p = await write(
    d,
    'k.yaml',
    yamlOf({
      current: 'good',
      clusters: [{ name: 'c1', server: 'https://c1' }, { name: 'noserver' }],
      users: [{ name: 'u1' }],
      contexts: [
        { name: 'good', cluster: 'c1', user: 'u1' },
        { name: 'ghost-cluster', cluster: 'nope', user: 'u1' },
        { name: 'ghost-user', cluster: 'c1', user: 'nobody' },
        { name: 'no-server', cluster: 'noserver', user: 'u1' },
      ],
    }),
  );
  throwsKubeconfig(() => loadKubeconfig({ path: p, context: 'prod' }), /context prod/, /available: good, ghost-cluster/);
  const e1 = throwsKubeconfig(() => loadKubeconfig({ path: p, context: 'ghost-cluster' }), /cluster nope, which is not defined/, /contexts\[1\]\.context\.cluster/);
  assert.equal(e1.context, 'ghost-cluster');
  throwsKubeconfig(() => loadKubeconfig({ path: p, context: 'ghost-user' }), /user nobody, which is not defined/, /contexts\[2\]\.context\.user/);
  throwsKubeconfig(() => loadKubeconfig({ path: p, context: 'no-server' }), /has no server URL/, /clusters\[1\]\.cluster\.server/);
  // The bad entries do not stop the good context from loading.
  assert.equal(loadKubeconfig({ path: p }).server, 'https://c1');
});

test('kubelogin in devicecode mode is refused before it runs, with the conversion command', async () => {
  const d = await dir();
  const cfg = simple('aks');
  const execUser = (args: string[]) => ({ exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'kubelogin', args } });
  cfg.users = [{ name: 'aks-user', user: execUser(['get-token', '--login', 'devicecode', '--server-id', 'x']) }];
  const p = await write(d, 'aks.yaml', yamlOf(cfg));
  const e = throwsKubeconfig(() => loadKubeconfig({ path: p }), /kubelogin convert-kubeconfig -l azurecli/, /aks-user/, /devicecode/);
  assert.equal(e.context, 'aks');
  // kubelogin's default login mode is devicecode too.
  cfg.users = [{ name: 'aks-user', user: execUser(['get-token', '--server-id', 'x']) }];
  const p2 = await write(d, 'aks2.yaml', yamlOf(cfg));
  throwsKubeconfig(() => loadKubeconfig({ path: p2 }), /devicecode/);
  // Converted kubeconfigs (-l azurecli) load.
  cfg.users = [{ name: 'aks-user', user: execUser(['get-token', '-l', 'azurecli', '--server-id', 'x']) }];
  const p3 = await write(d, 'aks3.yaml', yamlOf(cfg));
  assert.equal(loadKubeconfig({ path: p3 }).userName, 'aks-user');
});

test('an exec plugin that is not installed gets one sentence naming the user and the plugin', async () => {
  const d = await dir();
  const cfg = simple('aks', 'https://127.0.0.1:1');
  cfg.users = [
    {
      name: 'clusterUser_rg_aks',
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'kubelogin',
          args: ['get-token', '--login', 'azurecli', '--server-id', 'x'],
          // An empty PATH makes the spawn fail the way a missing kubelogin does, installed or not.
          env: [{ name: 'PATH', value: join(d, 'empty-bin') }],
        },
      },
    },
  ];
  cfg.contexts = [{ name: 'aks', cluster: 'aks-cluster', user: 'clusterUser_rg_aks' }];
  const p = await write(d, 'aks.yaml', yamlOf(cfg));
  await assert.rejects(
    connectCluster({ kubeconfig: p, signal: new AbortController().signal }),
    (err: unknown) =>
      err instanceof KubeconfigError &&
      err.message === "The kubeconfig user clusterUser_rg_aks (context aks) runs the exec plugin 'kubelogin', which is not installed or not on PATH.",
  );
});

test('an unreachable server is one sentence naming the server and the context', async () => {
  const d = await dir();
  const p = await write(d, 'k.yaml', yamlOf(simple('down', 'https://127.0.0.1:9')));
  await assert.rejects(
    connectCluster({ kubeconfig: p, signal: new AbortController().signal }),
    (err: unknown) => err instanceof KubeApiError && err.reason === 'Unreachable' && /https:\/\/127\.0\.0\.1:9 of context down: connection refused/.test(err.message),
  );
});

test('an exec plugin that fails says which plugin failed and its last error line', async () => {
  const d = await dir();
  const plugin = join(d, 'failing-plugin');
  await writeFile(plugin, `#!${process.execPath}\nprocess.stderr.write('Authenticating...\\nAADSTS700082: The refresh token has expired\\n');\nprocess.exit(1);\n`, { mode: 0o755 });
  const cfg = simple('aks', 'https://127.0.0.1:1');
  cfg.users = [{ name: 'aks-user', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, args: [] } } }];
  const p = await write(d, 'k.yaml', yamlOf(cfg));
  await assert.rejects(connectCluster({ kubeconfig: p, signal: new AbortController().signal }), (err: unknown) => {
    assert.ok(err instanceof KubeconfigError);
    assert.match(err.message, /exec plugin '.*failing-plugin' of kubeconfig user aks-user \(context aks\) failed: AADSTS700082: The refresh token has expired\.$/);
    return true;
  });
});

/** A kubeconfig whose user runs `script` (node) as its exec plugin. */
async function pluginKubeconfig(script: string): Promise<string> {
  const d = await dir();
  const plugin = join(d, 'plugin');
  await writeFile(plugin, `#!${process.execPath}\n${script}\n`, { mode: 0o755 });
  const cfg = simple('aks', 'https://127.0.0.1:1');
  cfg.users = [{ name: 'aks-user', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, args: [] } } }];
  return write(d, 'k.yaml', yamlOf(cfg));
}

async function pluginError(script: string): Promise<string> {
  const p = await pluginKubeconfig(script);
  let message = '';
  await assert.rejects(connectCluster({ kubeconfig: p, signal: new AbortController().signal }), (err: unknown) => {
    assert.ok(err instanceof KubeconfigError, String(err));
    message = err.message;
    return true;
  });
  return message;
}

test('an exec plugin that prints a bare token: its output is never echoed', async () => {
  const bare = await pluginError(`process.stdout.write('S3CR3T-RAW-TOKEN-VALUE\\n');`);
  assert.match(bare, /exec plugin '.*plugin' of kubeconfig user aks-user \(context aks\) did not print an ExecCredential: its output is not JSON \(not shown, as it may hold a token\)\.$/);
  assert.doesNotMatch(bare, /S3CR3T/);
  const noStatus = await pluginError(`process.stdout.write(JSON.stringify({ token: 'S3CR3T-IN-JSON' }));`);
  assert.match(noStatus, /printed JSON that is not an ExecCredential with a status/);
  assert.doesNotMatch(noStatus, /S3CR3T/);
});

test('token-shaped strings on a failing plugin\'s last stderr line are redacted; the error stays readable', async () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLWJ5dGVz';
  const cases: [string, RegExp][] = [
    [`error: got ${jwt} but the audience is wrong`, /failed: error: got \[redacted\] but the audience is wrong\.$/],
    ['refresh failed: access_token=ya29.a0AfH6SMBx3 expired', /failed: refresh failed: access_token=\[redacted\] expired\.$/],
    ['{"token": "plain-secret-value", "code": "AADSTS50173"}', /failed: \{"token": "\[redacted\]", "code": "AADSTS50173"\}\.$/],
    ['Authorization: Bearer abc.def-ghi', /failed: Authorization: Bearer \[redacted\]\.$/],
    ['leaked 8f14e45fceea167a5a36dedd4bea2543 in the cache', /failed: leaked \[redacted\] in the cache\.$/],
  ];
  for (const [line, expected] of cases) {
    const message = await pluginError(`process.stderr.write(${JSON.stringify(`Authenticating...\n${line}\n`)}); process.exit(1);`);
    assert.match(message, expected);
  }
});

test('a token-file that cannot be read is named, not reported as a 401', async () => {
  const d = await dir();
  const cfg = simple('ctx');
  cfg.users = [{ name: 'ctx-user', user: { 'token-file': join(d, 'missing-token') } }];
  const p = await write(d, 'k.yaml', yamlOf(cfg));
  throwsKubeconfig(() => loadKubeconfig({ path: p }), /The kubeconfig user ctx-user \(context ctx, .*k\.yaml\) reads its token from .*missing-token, which cannot be read \(ENOENT\)\./);
});
