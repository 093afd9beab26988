// `npm run azure-emulator [-- --port N --state-out FILE]`: runs the Azure emulator until stopped and
// writes the endpoints file that KUBEFORENSYS_TEST_AZURE_ENDPOINTS points the tool at.
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzureEmulator } from './server.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'state-out': { type: 'string' } } });
const emu = await startAzureEmulator({ port: values.port ? Number(values.port) : 0 });
const out = values['state-out'] ?? join(tmpdir(), 'kubeforensys-azure-emulator.json');
await emu.writeEndpointsFile(out);
process.stdout.write(`Azure emulator on ${emu.url}\nexport KUBEFORENSYS_TEST_AZURE_ENDPOINTS=${out}\nsubscription ${emu.endpoints.subscriptionId}\n`);
const stop = () => {
  void emu.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
