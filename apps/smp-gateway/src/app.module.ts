// Root module of the SMP gateway service.
import { Module, type DynamicModule } from '@nestjs/common';
import { OpsModule } from '@simplex-relay/nest-ops';
import { SMP_GATEWAY_CONFIG, type SmpGatewayConfig } from './config/smp-gateway.config.ts';
import { GatewayService } from './gateway/gateway.service.ts';

export const SERVICE_VERSION = '0.1.0';

@Module({})
export class AppModule {
  static forConfig(cfg: SmpGatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        OpsModule.forRoot({
          service: 'smp-gateway',
          version: SERVICE_VERSION,
          logLevel: cfg.LOG_LEVEL,
          tracesExporter: cfg.OTEL_TRACES_EXPORTER,
          ...(cfg.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined && {
            otlpEndpoint: cfg.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
          }),
        }),
      ],
      providers: [{ provide: SMP_GATEWAY_CONFIG, useValue: cfg }, GatewayService],
    };
  }
}
