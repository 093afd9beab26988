// Public API of the Kubernetes API emulator (tests, `npm run demo`, `npm run bench:collect`).
export { startKubeEmulator, type KubeEmulator, type RequestLogEntry, type StartOptions } from './server.js';
export { FaultControl, type FaultSpec } from './faults.js';
export {
  loadScenario,
  parseScenario,
  containerKey,
  resolveRelativeTimes,
  DEFAULT_BINARIES,
  EMULATOR_DATA_API_VERSION,
  EMULATOR_DATA_KIND,
  type Scenario,
  type ContainerData,
  type ContainerFile,
  type LogLine,
  type LogSource,
} from './scenario.js';
export { generateLargeScenario, type LargeScenarioSize } from './large.js';
export { SUPPORTED_COMMANDS } from './exec.js';
