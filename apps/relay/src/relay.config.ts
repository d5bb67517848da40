// Configuration of the one-process relay (`npm start`), from environment variables. Every key has
// a default so a newcomer needs none; upstream `smp-server.ini` equivalents are noted.
import { int, onOff, parseEnv, port, z } from '@simplex-relay/config';

/** A password as upstream `BasicAuth` allows: printable, no spaces, no `@`, `:` or `/`. */
const basicAuth = z
  .string()
  .regex(/^[!-~]+$/, 'printable ASCII without spaces')
  .refine((s) => !/[@:/]/.test(s), 'no @, : or /');

const schema = z.object({
  /** Where credentials, the shard key and the embedded database live (upstream /etc/opt/simplex + /var/opt/simplex). */
  DATA_DIR: z.string().default('./data'),
  /** SMP port (INI `[TRANSPORT] port`, upstream default 5223). */
  SMP_PORT: port(5223),
  /** Address to bind (upstream listens on all interfaces). */
  SMP_BIND: z.string().default('0.0.0.0'),
  /** Host name printed in the server address (INI `[TRANSPORT] host`). */
  SMP_HOST: z.string().default('localhost'),
  /** Server password for creating queues (INI `[AUTH] create_password`); none by default. */
  SMP_PASSWORD: z
    .string()
    .regex(/^[!-~]+$/, 'printable ASCII without spaces')
    .refine((s) => !/[@:/]/.test(s), 'no @, : or /')
    .optional(),
  /** `[AUTH] new_queues`. */
  NEW_QUEUES: onOff(true),
  /** Accept PRXY, i.e. act as an SMP proxy for private message routing (upstream `allowSMPProxy`, always on). */
  ALLOW_SMP_PROXY: onOff(true),
  /** Proxied commands in flight per client connection (INI `[PROXY] client_concurrency`). */
  PROXY_CLIENT_CONCURRENCY: int(32, 1),
  /** Limit for connecting to a destination relay, ms (upstream `tcpConnectTimeout`, 45 s; not in the INI). */
  PROXY_CONNECT_TIMEOUT_MS: int(45_000, 100),
  /** Algorithm of new certificates (upstream `smp-server init -a`, default ED25519). */
  CERT_ALGORITHM: z.enum(['ed25519', 'ed448']).default('ed25519'),
  /** `[STORE_LOG] expire_messages_days`. */
  EXPIRE_MESSAGES_DAYS: int(21, 0),
  /** Use this PostgreSQL instead of the embedded one. */
  DATABASE_URL: z.string().optional(),
  /** Port of the embedded PostgreSQL (127.0.0.1 only). */
  EMBEDDED_PG_PORT: port(54329),
  /** Port of /metrics, /livez, /readyz on 127.0.0.1 (0 = off). */
  OPS_PORT: port(0),
  /** Operator control port on 127.0.0.1 (INI `[TRANSPORT] control_port`, upstream 5224); 0 = off. */
  CONTROL_PORT: port(0),
  /** `[AUTH] control_port_admin_password`; generated into DATA_DIR when the port is on and none is given. */
  CONTROL_PORT_ADMIN_PASSWORD: basicAuth.optional(),
  /** `[AUTH] control_port_user_password`; generated like the admin password. */
  CONTROL_PORT_USER_PASSWORD: basicAuth.optional(),
  /** Queues the control port may block per day (INI `[AUTH] daily_block_queue_quota`); 0 = no limit, −1 = none. */
  DAILY_BLOCK_QUEUE_QUOTA: int(20, -1),
  /** Run the XFTP file relay beside SMP. */
  XFTP_ENABLED: onOff(true),
  /** XFTP port (upstream xftp-server uses 443; 5443 here so both run unprivileged). */
  XFTP_PORT: port(5443),
  /** Address the XFTP server binds. */
  XFTP_BIND: z.string().default('0.0.0.0'),
  /** Host name printed in the xftp:// address and put in the generated web certificate. */
  XFTP_HOST: z.string().default('localhost'),
  /** Web handshake for browsers (xftp-web) with a generated web certificate (INI `[WEB] cert`). */
  XFTP_WEB: onOff(true),
  /** `[AUTH] create_password` of the XFTP server; none by default. */
  XFTP_CREATE_PASSWORD: basicAuth.optional(),
  /** `[AUTH] new_files`. */
  XFTP_NEW_FILES: onOff(true),
  /** `[FILES] storage_quota` in bytes; unlimited by default. */
  XFTP_STORAGE_QUOTA: z.coerce.number().int().min(1).optional(),
  /** `[STORE_LOG] expire_files_hours`; 0 = never. */
  XFTP_FILE_EXPIRY_HOURS: int(48, 0),
  /**
   * XFTP operator control port on 127.0.0.1 (xftp-server INI `[TRANSPORT] control_port`, upstream
   * template 5226); 0 = off. Same passwords as CONTROL_PORT (generated into DATA_DIR likewise).
   */
  XFTP_CONTROL_PORT: port(0),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/** The relay's validated configuration. */
export type RelayConfig = Readonly<z.infer<typeof schema>>;

/** Parses the environment; throws ConfigError listing every bad key. */
export function loadRelayConfig(env: Readonly<Record<string, string | undefined>>): RelayConfig {
  return parseEnv(schema, env);
}
