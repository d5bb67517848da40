// Providers shared by the ops endpoint and the service: the metrics registry, the logger and the
// readiness flag.
import { Injectable } from '@nestjs/common';

/** DI token of the prom-client Registry. */
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
/** DI token of the JSON logger. */
export const APP_LOGGER = Symbol('AppLogger');

/**
 * Whether the service can serve: false until started and while stopping; the service may also
 * install a live check (e.g. a gateway is ready only while every vshard has a store).
 */
@Injectable()
export class Readiness {
  #started = false;
  #check: () => boolean = () => true;

  get ready(): boolean {
    return this.#started && this.#check();
  }
  set ready(v: boolean) {
    this.#started = v;
  }

  /** Adds a condition evaluated on every probe. */
  setCheck(check: () => boolean): void {
    this.#check = check;
  }
}
/** DI token of the started Tracing. */
export const TRACING = Symbol('Tracing');
