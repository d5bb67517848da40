// xftp-gateway: bootstrap only. Config is validated before anything starts.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@simplex-relay/config';
import { APP_LOGGER } from '@simplex-relay/nest-ops';
import type { JsonLogger } from '@simplex-relay/observability';
import { AppModule } from './app.module.ts';
import { loadXftpGatewayConfig } from './config/xftp-gateway.config.ts';

let cfg;
try {
  cfg = loadXftpGatewayConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
const app = await NestFactory.create(AppModule.forConfig(cfg), { bufferLogs: true });
app.useLogger(app.get<JsonLogger>(APP_LOGGER));
app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
if (cfg.OPS_PORT > 0) await app.listen(cfg.OPS_PORT, cfg.OPS_HOST);
else await app.init();
