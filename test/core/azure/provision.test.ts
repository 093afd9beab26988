import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAzureEmulator } from '../../emulators/azure/server.js';
import { provision } from '../../../src/core/azure/provision.js';
import { FAST, emulatorConnection } from './fixtures.js';

test('an existing workspace keeps its retention unless one is asked for, and a change is an update step', async () => {
  const emu = await startAzureEmulator();
  try {
    const conn = emulatorConnection(emu);
    const req = { subscriptionId: conn.subscriptionId!, resourceGroup: 'rg-ret' };
    await provision(conn, { ...req, retentionDays: 90 }, FAST);
    const again = await provision(conn, req, FAST);
    assert.equal(again.changed, false, 'no retention asked: the 90 days stay');
    const plan = await provision(conn, { ...req, retentionDays: 60, plan: true }, FAST);
    assert.deepEqual(plan.steps.filter((s) => s.action !== 'unchanged'), [{ kind: 'workspace', name: 'KubeForenSys-LAW', action: 'update', detail: 'retention 90 → 60 days' }]);
    assert.ok(plan.state, 'a plan over existing resources still reports their ids');
    const writes = emu.stats.armWrites;
    await provision(conn, { ...req, retentionDays: 60 }, FAST);
    assert.equal(emu.stats.armWrites, writes + 1, 'only the workspace is written');
    assert.equal((await provision(conn, { ...req, retentionDays: 60 }, FAST)).changed, false);
  } finally {
    await emu.close();
  }
});

test('a workspace in another region is not moved: one sentence says what to pass instead', async () => {
  const emu = await startAzureEmulator();
  try {
    const conn = emulatorConnection(emu);
    const req = { subscriptionId: conn.subscriptionId!, resourceGroup: 'rg-loc' };
    await provision(conn, { ...req, location: 'westeurope' }, FAST);
    await assert.rejects(provision(conn, { ...req, location: 'eastus' }, FAST), /already exists in westeurope, not eastus; a workspace cannot move: pass --location westeurope/);
    assert.equal((await provision(conn, req, FAST)).changed, false, 'without --location the existing region is used');
  } finally {
    await emu.close();
  }
});

test('a missing resource group is named with the command that creates it', async () => {
  const emu = await startAzureEmulator({ missingResourceGroups: ['rg-none'] });
  try {
    const conn = emulatorConnection(emu);
    await assert.rejects(provision(conn, { subscriptionId: conn.subscriptionId!, resourceGroup: 'rg-none' }, FAST), /Resource group rg-none does not exist: create it \(az group create -n rg-none -l eastus\)/);
  } finally {
    await emu.close();
  }
});
