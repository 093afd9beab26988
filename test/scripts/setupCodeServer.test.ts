// The e2e setup runs under `npm run`, which exports the outer npm's settings (its Node 20 user
// agent among them); a nested `npm install code-server` that inherits them refuses to install.
// These tests fail when the setup script would let them through again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SCRIPT = 'scripts/e2e/setup-code-server.sh';

test('a nested npm in the e2e setup inherits none of the outer npm run settings', () => {
  const res = spawnSync('bash', [SCRIPT, '--print-nested-env'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
      npm_config_cache: '/tmp/outer-cache',
      NPM_CONFIG_PREFIX: '/tmp/outer-prefix',
      npm_lifecycle_event: 'test:e2e',
      npm_package_name: 'kubeforensys',
      npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
      INIT_CWD: '/work/main',
    },
  });
  assert.equal(res.status, 0, res.stderr);
  assert.equal(res.stdout, '', `a nested npm would inherit:\n${res.stdout}`);
});

test('every npm and install script the e2e setup runs goes through the cleaned environment', () => {
  const lines = readFileSync(SCRIPT, 'utf8').split('\n');
  const runs = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^\s*[^#\s]/.test(l) && /\b(npm install|postinstall\.sh|node-gyp-build)\b/.test(l) && !/^\s*log\b/.test(l));
  assert.ok(runs.length >= 3, `expected the node, code-server and argon2 installs, found ${runs.length}`);
  // A command may continue a `nested env ... \` line above it.
  const unguarded = runs.filter(({ l, i }) => !/\bnested\b/.test(l) && !/\bnested\b.*\\$/.test(lines[i - 1] ?? '')).map(({ l }) => l.trim());
  assert.deepEqual(unguarded, []);
});
