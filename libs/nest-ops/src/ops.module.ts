// One module per app for the ops side: registry, logger, readiness and the controller. The app
// passes its service name; tracing starts here and is flushed on shutdown.
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  JsonLogger,
  createRegistry,
  startTracing,
  type LogLevel,
  type Tracing,
} from '@simplex-relay/observability';
import { OpsController } from './ops.controller.ts';
import { APP_LOGGER, METRICS_REGISTRY, Readiness, TRACING } from './ops.providers.ts';

/** Options of the ops module (from the app's validated config). */
export interface OpsModuleOptions {
  readonly service: string;
  readonly version: string;
  readonly logLevel: LogLevel;
  readonly tracesExporter: 'none' | 'otlp';
  readonly otlpEndpoint?: string;
}

@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing) {}
  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}

@Module({})
export class OpsModule {
  static forRoot(o: OpsModuleOptions): DynamicModule {
    return {
      module: OpsModule,
      global: true,
      controllers: [OpsController],
      providers: [
        Readiness,
        TracingShutdown,
        { provide: METRICS_REGISTRY, useValue: createRegistry(o.service, o.version) },
        { provide: APP_LOGGER, useValue: new JsonLogger(o.service, o.logLevel) },
        {
          provide: TRACING,
          useValue: startTracing({
            serviceName: o.service,
            exporter: o.tracesExporter,
            ...(o.otlpEndpoint !== undefined && { otlpEndpoint: o.otlpEndpoint }),
          }),
        },
      ],
      exports: [Readiness, METRICS_REGISTRY, APP_LOGGER, TRACING],
    };
  }
}
