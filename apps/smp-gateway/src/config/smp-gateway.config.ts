// Configuration of the SMP gateway from environment variables, validated once at boot (house
// style §7). Upstream `smp-server.ini` equivalents are noted per key.
import { commonEnv, int, onOff, parseEnv, port, z } from '@simplex-relay/config';

/** A password as upstream `BasicAuth` allows: printable, no spaces, no `@`, `:` or `/`. */
const basicAuth = z
  .string()
  .regex(/^[!-~]+$/, 'printable ASCII without spaces')
  .refine((s) => !/[@:/]/.test(s), 'no @, : or /');

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
  /** `[AUTH] create_password`: gates NEW on the stores and PRXY here (as upstream). */
  CREATE_PASSWORD: z
    .string()
    .regex(/^[!-~]+$/)
    .refine((s) => !/[@:/]/.test(s), 'no @, : or /')
    .optional(),
  /** Accept PRXY, i.e. act as an SMP proxy for private message routing (upstream `allowSMPProxy`, always on). */
  ALLOW_SMP_PROXY: onOff(true),
  /** Proxied commands in flight per client connection (INI `[PROXY] client_concurrency`). */
  PROXY_CLIENT_CONCURRENCY: int(32, 1),
  /** Limit for connecting to a destination relay, ms (upstream `tcpConnectTimeout`, 45 s; not in the INI). */
  PROXY_CONNECT_TIMEOUT_MS: int(45_000, 100),
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
  /** Operator control port on 127.0.0.1 (INI `[TRANSPORT] control_port`, upstream 5224); 0 = off. */
  CONTROL_PORT: port(0),
  /** `[AUTH] control_port_admin_password` (the `init` command prints a generated one). */
  CONTROL_PORT_ADMIN_PASSWORD: basicAuth.optional(),
  /** `[AUTH] control_port_user_password`. */
  CONTROL_PORT_USER_PASSWORD: basicAuth.optional(),
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
