// Root module of the queue-store service.
import { Module, type DynamicModule } from '@nestjs/common';
import { OpsModule } from '@simplex-relay/nest-ops';
import { QUEUE_STORE_CONFIG, type QueueStoreConfig } from './config/queue-store.config.ts';

export const SERVICE_VERSION = '0.1.0';

@Module({})
export class AppModule {
  static forConfig(cfg: QueueStoreConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        OpsModule.forRoot({
          service: 'queue-store',
          version: SERVICE_VERSION,
          logLevel: cfg.LOG_LEVEL,
          tracesExporter: cfg.OTEL_TRACES_EXPORTER,
          ...(cfg.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined && {
            otlpEndpoint: cfg.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
          }),
        }),
      ],
      providers: [{ provide: QUEUE_STORE_CONFIG, useValue: cfg }],
    };
  }
}
