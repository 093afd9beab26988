// `npm run azure-emulator [-- --port N --state-out FILE] [--demo-aks --kube-server URL]`: runs the
// Azure emulator until stopped and writes the endpoints file that KUBEFORENSYS_TEST_AZURE_ENDPOINTS
// points the tool at. --demo-aks serves the demo's AKS trail (managed cluster, diagnostic settings,
// audit workspace, Activity Log, Defender alerts) for the kube emulator at --kube-server.
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzureEmulator } from './server.js';
import { demoAksTrail, DEMO_AKS } from './scenarios/demoAks.js';

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'state-out': { type: 'string' }, 'demo-aks': { type: 'boolean' }, 'kube-server': { type: 'string' } },
});
if (values['demo-aks'] && !values['kube-server']) {
  process.stderr.write('--demo-aks needs --kube-server <the kube emulator URL> (the managed cluster fqdn is its host).\n');
  process.exit(2);
}
const aks = values['demo-aks'] ? demoAksTrail({ kubeServerUrl: values['kube-server']! }) : undefined;
const emu = await startAzureEmulator({ port: values.port ? Number(values.port) : 0, aks });
const out = values['state-out'] ?? join(tmpdir(), 'kubeforensys-azure-emulator.json');
await emu.writeEndpointsFile(out);
process.stdout.write(`Azure emulator on ${emu.url}\nexport KUBEFORENSYS_TEST_AZURE_ENDPOINTS=${out}\nsubscription ${emu.endpoints.subscriptionId}\n`);
if (aks) process.stdout.write(`demo AKS cluster ${DEMO_AKS.clusterId}\n`);
const stop = () => {
  void emu.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
