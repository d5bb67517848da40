// queue-store: bootstrap only. Config is validated before anything starts.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@simplex-relay/config';
import { APP_LOGGER, METRICS_REGISTRY, Readiness } from '@simplex-relay/nest-ops';
import type { JsonLogger, Registry } from '@simplex-relay/observability';
import { AppModule } from './app.module.ts';
import { loadQueueStoreConfig } from './config/queue-store.config.ts';
import { StoreBusStrategy } from './store/store-bus.strategy.ts';

let cfg;
try {
  cfg = loadQueueStoreConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
const app = await NestFactory.create(AppModule.forConfig(cfg), { bufferLogs: true });
const log = app.get<JsonLogger>(APP_LOGGER);
app.useLogger(log);
app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
app.connectMicroservice({
  strategy: new StoreBusStrategy(cfg, log, app.get<Registry>(METRICS_REGISTRY), app.get(Readiness)),
});
await app.startAllMicroservices();
if (cfg.OPS_PORT > 0) await app.listen(cfg.OPS_PORT, cfg.OPS_HOST);
