// Hosts the gateway engine for the lifetime of the Nest application.
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NatsTransport, ShardRouter, Subjects } from '@simplex-relay/bus';
import {
  Gateway,
  gatewayTlsFromCredentials,
  prometheusGatewayMetrics,
  prometheusProxyMetrics,
} from '@simplex-relay/gateway';
import { APP_LOGGER, METRICS_REGISTRY, Readiness } from '@simplex-relay/nest-ops';
import { loadServerCredentials, nodeProvider } from '@simplex-relay/node-crypto';
import { looseLogger, type Logger, type Registry } from '@simplex-relay/observability';
import { asciiBytes } from '@simplex-relay/protocol';
import { SMP_GATEWAY_CONFIG, type SmpGatewayConfig } from '../config/smp-gateway.config.ts';

@Injectable()
export class GatewayService implements OnApplicationBootstrap, OnApplicationShutdown {
  #gateway: Gateway | undefined;
  #bus: NatsTransport | undefined;

  constructor(
    @Inject(SMP_GATEWAY_CONFIG) private readonly cfg: SmpGatewayConfig,
    @Inject(APP_LOGGER) private readonly log: Logger,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(Readiness) private readonly readiness: Readiness,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const c = this.cfg;
    const creds = await loadServerCredentials(c.CERT_DIR);
    const { tls, identity } = gatewayTlsFromCredentials(creds);
    this.#bus = await NatsTransport.connect({ url: c.NATS_URL, name: 'smp-gateway' });
    this.#gateway = new Gateway({
      transport: this.#bus,
      subjects: new Subjects(c.BUS_PREFIX),
      router: new ShardRouter(c.SHARD_KEY, c.VSHARD_COUNT),
      tls,
      identity,
      provider: nodeProvider,
      ...(c.GATEWAY_ID !== undefined && { gatewayId: c.GATEWAY_ID }),
      ...(c.CREATE_PASSWORD !== undefined && { serverPassword: asciiBytes(c.CREATE_PASSWORD) }),
      proxy: {
        allowSmpProxy: c.ALLOW_SMP_PROXY,
        clientConcurrency: c.PROXY_CLIENT_CONCURRENCY,
        connectTimeoutMs: c.PROXY_CONNECT_TIMEOUT_MS,
      },
      proxyMetrics: prometheusProxyMetrics(this.registry),
      ...(c.CONTROL_PORT > 0 && {
        controlPort: {
          port: c.CONTROL_PORT,
          host: '127.0.0.1',
          ...(c.CONTROL_PORT_ADMIN_PASSWORD !== undefined && {
            adminPassword: asciiBytes(c.CONTROL_PORT_ADMIN_PASSWORD),
          }),
          ...(c.CONTROL_PORT_USER_PASSWORD !== undefined && {
            userPassword: asciiBytes(c.CONTROL_PORT_USER_PASSWORD),
          }),
        },
      }),
      limits: {
        maxConnections: c.MAX_CONNECTIONS,
        answerTimeoutMs: c.STORE_ANSWER_TIMEOUT_MS,
        inactiveTtlMs: c.INACTIVE_CLIENTS_DISCONNECT ? c.INACTIVE_CLIENTS_TTL * 1000 : 0,
        inactiveCheckMs: c.INACTIVE_CLIENTS_CHECK_INTERVAL * 1000,
      },
      logger: looseLogger(this.log.child('Gateway')),
      metrics: prometheusGatewayMetrics(this.registry),
    });
    const bound = await this.#gateway.listen(c.SMP_PORT, c.SMP_BIND);
    // Ready only while some store owns every vshard: before that, commands would wait or fail.
    const gateway = this.#gateway;
    this.readiness.setCheck(() => gateway.shardMap.complete);
    this.readiness.ready = true;
    this.log.info('gateway listening', { port: bound.port });
    const control = this.#gateway.controlAddress;
    if (control !== undefined) this.log.info('control port listening', { port: control.port });
  }

  async onApplicationShutdown(): Promise<void> {
    this.readiness.ready = false;
    await this.#gateway?.close();
    await this.#bus?.close();
  }
}
