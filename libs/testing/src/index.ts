// Test support shared by the workspace's test suites (never imported by production code).
export { DEFAULT_TEST_DATABASE_URL, createTestDatabase } from './postgres.ts';
export type { TestDatabase } from './postgres.ts';
export { testSubjectPrefix } from './nats.ts';
export { assertBindFailureReleasesPort } from './ports.ts';
export {
  startCluster,
  startEmbeddedRelay,
  cpuSeconds,
  treeCpuSeconds,
  freePorts,
} from './cluster.ts';
export type {
  Cluster,
  ClusterOptions,
  GatewayHandle,
  StoreHandle,
  EmbeddedRelay,
  EmbeddedRelayOptions,
  ProcessHandle,
  ProcessExit,
} from './cluster.ts';
export { SERVER_SYNTAX_CASES } from './server-syntax-cases.ts';
export { ControlPortClient } from './control-port.ts';
export type { ServerSyntaxCase } from './server-syntax-cases.ts';
export {
  startXftpCluster,
  type XftpCluster,
  type XftpClusterOptions,
  type XftpGatewayHandle,
} from './xftp-cluster.ts';
export { dumpSchema, normaliseDump } from './schema-dump.ts';
