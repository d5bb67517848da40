// The ops endpoint: Prometheus metrics and Kubernetes probes. No identifiers anywhere.
import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import type { Registry } from '@simplex-relay/observability';
import { METRICS_REGISTRY, Readiness } from './ops.providers.ts';

interface Reply {
  status(code: number): Reply;
  type(t: string): Reply;
  send(body: string): void;
}

@Controller()
export class OpsController {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(Readiness) private readonly readiness: Readiness,
  ) {}

  /** Liveness: the process serves HTTP. */
  @Get('livez')
  @HttpCode(200)
  @Header('content-type', 'text/plain')
  live(): string {
    return 'ok';
  }

  /** Readiness: the service finished starting and still holds what it needs. */
  @Get('readyz')
  ready(@Res() res: Reply): void {
    const ok = this.readiness.ready;
    res
      .status(ok ? 200 : 503)
      .type('text/plain')
      .send(ok ? 'ready' : 'not ready');
  }

  /** Prometheus text format. */
  @Get('metrics')
  async metrics(@Res() res: Reply): Promise<void> {
    res
      .status(200)
      .type(this.registry.contentType)
      .send(await this.registry.metrics());
  }
}
