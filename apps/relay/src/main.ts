// `npm start`: the whole SMP relay (and the XFTP file relay) in one process on embedded defaults
// (see README).
import { ConfigError } from '@simplex-relay/config';
import { JsonLogger } from '@simplex-relay/observability';
import { loadRelayConfig } from './relay.config.ts';
import { startRelay } from './relay.ts';

let cfg;
try {
  cfg = loadRelayConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
const log = new JsonLogger('Relay', cfg.LOG_LEVEL);
const relay = await startRelay(cfg, log);
console.log(`SMP relay listening on port ${relay.port}`);
console.log(`Server address: ${relay.address}`);
if (relay.xftpAddress !== undefined) {
  console.log(`XFTP relay listening on port ${relay.xftpPort}`);
  console.log(`XFTP server address: ${relay.xftpAddress}`);
}
if (relay.controlPort !== undefined)
  console.log(`Control port: 127.0.0.1:${relay.controlPort} (nc 127.0.0.1 ${relay.controlPort})`);
if (relay.xftpControlPort !== undefined)
  console.log(
    `XFTP control port: 127.0.0.1:${relay.xftpControlPort} (nc 127.0.0.1 ${relay.xftpControlPort})`,
  );
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    void relay.stop().then(() => process.exit(0));
  });
}
