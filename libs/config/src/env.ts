// Configuration from the environment (house style §7): each app declares one zod schema over the
// flat env, parsed once at boot into a typed, readonly object; any bad key fails start-up with a
// message listing every problem. `process.env` is read only by the callers of `parseEnv`.
import { z } from 'zod';

/** Start-up configuration error listing every invalid key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
  }
}

/** Parses `env` with `schema`, or throws ConfigError naming each bad key. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.infer<S> {
  const r = schema.safeParse(env);
  if (r.success) return r.data;
  throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
}

/** "on"/"off"/"true"/"false"/"1"/"0" (upstream INI uses on/off). */
export const onOff = (dflt: boolean) =>
  z
    .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'])
    .default(dflt ? 'on' : 'off')
    .transform((v) => v === 'on' || v === 'true' || v === '1' || v === 'yes');

/** An integer in a range, from a string. */
export const int = (dflt: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(dflt);

/** A TCP port. */
export const port = (dflt: number) => int(dflt, 0, 65535);

/** A secret given as hex or base64 (≥ 16 bytes once decoded). */
export const secretBytes = z.string().transform((s, ctx) => {
  const b =
    /^[0-9a-fA-F]+$/.test(s) && s.length % 2 === 0
      ? Buffer.from(s, 'hex')
      : Buffer.from(s, 'base64');
  if (b.length < 16) {
    ctx.addIssue({ code: 'custom', message: 'must decode (hex or base64) to at least 16 bytes' });
    return z.NEVER;
  }
  return new Uint8Array(b);
});

/** Variables every service shares: bus, shard key, logging, tracing, ops endpoint. */
export const commonEnv = {
  /** NATS servers, comma-separated. */
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** Subject prefix of this cluster on NATS (tests use a unique one per run). */
  BUS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/)
    .default('smp'),
  /** The cluster's shard key: the same secret on every gateway and store (hex or base64). */
  SHARD_KEY: secretBytes,
  /** Number of virtual shards (a power of two; must never change for a cluster with data). */
  VSHARD_COUNT: int(1024, 1, 65536).refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
  /** Log level: debug, info, warn, error. */
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Traces: none or otlp (OTLP/HTTP to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'otlp']).default('none'),
  /** OTLP/HTTP traces endpoint. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  /** Port of the ops HTTP endpoint: /metrics, /livez, /readyz (0 = off). */
  OPS_PORT: port(9090),
  /** Address the ops endpoint binds to. */
  OPS_HOST: z.string().default('0.0.0.0'),
};
