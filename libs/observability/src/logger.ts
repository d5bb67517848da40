// Structured JSON-lines logging (house style §8): level, time, context (class name) and a message
// with a few scalar fields. Callers never pass identifiers, keys, IP addresses or bodies; counters
// belong in metrics. Implements Nest's LoggerService shape so the apps can hand it to Nest.

/** Log levels, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Scalar fields only: nothing structured that could smuggle a payload into logs. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** The logger port the libs accept. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger with another context (usually a class name). */
  child(context: string): Logger;
}

/** Writes one JSON object per line to a sink (stdout by default). */
export class JsonLogger implements Logger {
  readonly #min: number;
  constructor(
    readonly context: string,
    readonly level: LogLevel = 'info',
    private readonly sink: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  ) {
    this.#min = LOG_LEVELS.indexOf(level);
  }

  #write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (LOG_LEVELS.indexOf(level) < this.#min) return;
    this.sink(
      JSON.stringify({
        level,
        time: new Date().toISOString(),
        context: this.context,
        msg,
        ...fields,
      }),
    );
  }

  debug(msg: string, fields?: LogFields): void {
    this.#write('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#write('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#write('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#write('error', msg, fields);
  }
  child(context: string): Logger {
    return new JsonLogger(context, this.level, this.sink);
  }

  /** Nest LoggerService: `log` is info; optional params are ignored unless a context string. */
  log(message: unknown, ...rest: unknown[]): void {
    this.#nest('info', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.#nest('debug', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.#nest('error', message, rest);
  }
  #nest(level: LogLevel, message: unknown, rest: unknown[]): void {
    const ctx =
      typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    this.#write(
      level,
      typeof message === 'string' ? message : String(message),
      ctx ? { nestContext: ctx } : undefined,
    );
  }
}

/** A logger that drops everything (tests, libraries without a logger). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/** A logger shaped like Nest's (`log/warn/error/debug` with loose extra arguments). */
export interface LooseLogger {
  log(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
  debug(message: string, ...meta: unknown[]): void;
}

/**
 * Adapts a Logger to the loose (Nest-like) shape the engine libs accept. Extra arguments keep only
 * an error's name, or the first line of a string (a stack's headline): never objects, which could
 * carry request data.
 */
export function looseLogger(l: Logger): LooseLogger {
  const fields = (meta: unknown[]): LogFields | undefined => {
    const m = meta[0];
    if (m instanceof Error) return { error: m.name };
    if (typeof m === 'string') return { detail: m.split('\n')[0]?.slice(0, 200) };
    return undefined;
  };
  return {
    log: (msg, ...meta) => l.info(msg, fields(meta)),
    warn: (msg, ...meta) => l.warn(msg, fields(meta)),
    error: (msg, ...meta) => l.error(msg, fields(meta)),
    debug: (msg, ...meta) => l.debug(msg, fields(meta)),
  };
}
