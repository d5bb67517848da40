// Configuration of the SMP gateway from environment variables, validated once at boot (house
// style §7). Upstream `smp-server.ini` equivalents are noted per key.
import { commonEnv, int, onOff, parseEnv, port, z } from '@simplex-relay/config';

const schema = z.object({
  ...commonEnv,
  /** This gateway's bus ID; default a random one per process (e.g. set it to the pod name). */
  GATEWAY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  /** SMP port (INI `[TRANSPORT] port`, default 5223). */
  SMP_PORT: port(5223),
  /** Address to bind. */
  SMP_BIND: z.string().default('0.0.0.0'),
  /** Directory with ca.crt, server.crt, server.key (upstream /etc/opt/simplex); every gateway uses the same files. */
  CERT_DIR: z.string().default('/etc/opt/simplex'),
  /** `[AUTH] create_password`: kept for PRXY, refused while proxying is off (as upstream). */
  CREATE_PASSWORD: z
    .string()
    .regex(/^[!-~]+$/)
    .refine((s) => !/[@:/]/.test(s), 'no @, : or /')
    .optional(),
  /** `[INACTIVE_CLIENTS] disconnect`. */
  INACTIVE_CLIENTS_DISCONNECT: onOff(true),
  /** `[INACTIVE_CLIENTS] ttl`, seconds. */
  INACTIVE_CLIENTS_TTL: int(21_600, 1),
  /** `[INACTIVE_CLIENTS] check_interval`, seconds. */
  INACTIVE_CLIENTS_CHECK_INTERVAL: int(3_600, 1),
  /** Concurrent connections per gateway (0 = unlimited). */
  MAX_CONNECTIONS: int(0, 0),
  /** A store request unanswered this long answers ERR INTERNAL (ms). */
  STORE_ANSWER_TIMEOUT_MS: int(15_000, 100),
});

/** The gateway's validated configuration. */
export type SmpGatewayConfig = Readonly<z.infer<typeof schema>>;

/** DI token of the configuration. */
export const SMP_GATEWAY_CONFIG = Symbol('SmpGatewayConfig');

/** Parses the environment; throws ConfigError listing every bad key. */
export function loadSmpGatewayConfig(
  env: Readonly<Record<string, string | undefined>>,
): SmpGatewayConfig {
  return parseEnv(schema, env);
}
