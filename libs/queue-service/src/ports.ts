// What the queue service needs from its host, as small interfaces so the NestJS app, the
// one-process relay and the tests can each supply their own (house style §2.4).
import type { ConnRef } from '@simplex-relay/bus';

/** Wall clock in milliseconds since the epoch (injected so tests can move time). */
export interface Clock {
  now(): number;
}

/** Interval timers (injected so background jobs can be driven by tests). */
export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/**
 * Where server-initiated transmissions go (MSG, END, DELD, NMSG, ERR BLOCKED): the StoreNode
 * batches them per gateway. `msg` is already encoded at the connection's version.
 */
export interface EventSink {
  emit(conn: ConnRef, entityId: Uint8Array, msg: Uint8Array): void;
}

/** The subset of Nest's `LoggerService` the service uses; messages never carry identifiers. */
export interface ServiceLogger {
  error(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
}

/** `Date.now`. */
export const systemClock: Clock = { now: () => Date.now() };

/** Node timers that do not keep the process alive. */
export const systemTimers: Timers = {
  setInterval(fn, ms) {
    const h = setInterval(fn, ms);
    h.unref();
    return h;
  },
  clearInterval(h) {
    clearInterval(h as NodeJS.Timeout);
  },
};

/** A logger that prefixes a context, on the console. */
export function consoleLogger(context: string): ServiceLogger {
  return {
    error: (m, ...meta) => console.error(`[${context}] ${m}`, ...meta),
    warn: (m, ...meta) => console.warn(`[${context}] ${m}`, ...meta),
  };
}
