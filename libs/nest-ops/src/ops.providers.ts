// Providers shared by the ops endpoint and the service: the metrics registry, the logger and the
// readiness flag.
import { Injectable } from '@nestjs/common';

/** DI token of the prom-client Registry. */
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
/** DI token of the JSON logger. */
export const APP_LOGGER = Symbol('AppLogger');

/** Set when the service is serving; cleared while stopping or after losing its vshard claim. */
@Injectable()
export class Readiness {
  ready = false;
}
/** DI token of the started Tracing. */
export const TRACING = Symbol('Tracing');
