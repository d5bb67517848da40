// Root module of the XFTP gateway service.
import { Module, type DynamicModule } from '@nestjs/common';
import { OpsModule } from '@simplex-relay/nest-ops';
import { XFTP_GATEWAY_CONFIG, type XftpGatewayConfig } from './config/xftp-gateway.config.ts';
import { SERVICE_VERSION, XftpService } from './xftp/xftp.service.ts';

@Module({})
export class AppModule {
  static forConfig(cfg: XftpGatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        OpsModule.forRoot({
          service: 'xftp-gateway',
          version: SERVICE_VERSION,
          logLevel: cfg.LOG_LEVEL,
          tracesExporter: cfg.OTEL_TRACES_EXPORTER,
          ...(cfg.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined && {
            otlpEndpoint: cfg.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
          }),
        }),
      ],
      providers: [{ provide: XFTP_GATEWAY_CONFIG, useValue: cfg }, XftpService],
    };
  }
}
