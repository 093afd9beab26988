// Public API of the Kubernetes API emulator (tests, `npm run demo`, `npm run bench:collect`).
export { startKubeEmulator, type KubeEmulator, type RecordBodies, type RequestLogEntry, type StartOptions } from './server.js';
export {
  FaultControl,
  checkFault,
  type FaultSpec,
  type ForbiddenFault,
  type ExpireContinueFault,
  type ErrorFault,
  type LatencyFault,
  type BandwidthFault,
  type ResetFault,
  type TrickleFault,
  type DropFault,
} from './faults.js';
export { apiserverBool, strconvParseBool, parseRfc3339, type BooleanParsing } from './params.js';
export { rfc3339Nano } from './logs.js';
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
