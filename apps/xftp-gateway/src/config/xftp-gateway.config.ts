// Configuration of the XFTP gateway from environment variables, validated once at boot (house
// style §7). Upstream `file-server.ini` equivalents are noted per key. Every gateway of one
// deployment uses the same CERT_DIR identity, the same database and the same blob root.
import { commonEnv, int, onOff, parseEnv, port, z } from '@simplex-relay/config';

/** A password as upstream `BasicAuth` allows: printable, no spaces, no `@`, `:` or `/`. */
const basicAuth = z
  .string()
  .regex(/^[!-~]+$/, 'printable ASCII without spaces')
  .refine((s) => !/[@:/]/.test(s), 'no @, : or /');

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
};

/** A size like upstream's `storage_quota` (`100gb`, `512mb`, `64kb` or plain bytes), in bytes. */
export const byteSize = z.string().transform((s, ctx) => {
  const m = /^(\d+)\s*(b|kb|mb|gb|tb)?$/i.exec(s.trim());
  const n = m ? Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? NaN) : NaN;
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: 'custom', message: 'a size such as 100gb, 512mb, 64kb or bytes' });
    return z.NEVER;
  }
  return n;
});

const { LOG_LEVEL, OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OPS_PORT, OPS_HOST } =
  commonEnv;

const schema = z
  .object({
    LOG_LEVEL,
    OTEL_TRACES_EXPORTER,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    OPS_PORT,
    OPS_HOST,
    /** XFTP port (INI `[TRANSPORT] port`, upstream default 443). */
    XFTP_PORT: port(443),
    /** Address to bind. */
    XFTP_BIND: z.string().default('0.0.0.0'),
    /** Host name printed in the server address (INI `[TRANSPORT] host`). */
    XFTP_HOST: z.string().default('localhost'),
    /** Directory with ca.crt, server.crt, server.key (upstream /etc/opt/simplex-xftp); the same on every gateway. */
    CERT_DIR: z.string().default('/etc/opt/simplex-xftp'),
    /** Chunk records (INI `[STORE_LOG] store_files = database`, `db_connection`). */
    DATABASE_URL: z.string().min(1),
    /** `[STORE_LOG] db_schema` (upstream `xftp_server`). */
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .default('xftp_store'),
    /** `[STORE_LOG] db_pool_size`. */
    DATABASE_POOL_SIZE: int(10, 1, 1000),
    /** Apply pending schema migrations at start (upstream asks unless `--confirm-migrations up`). */
    DATABASE_MIGRATE: onOff(true),
    /** Chunk bodies (INI `[FILES] path`); a volume shared by every gateway. */
    BLOB_DIR: z.string().default('/var/opt/simplex-xftp/files'),
    /** `[FILES] storage_quota`, e.g. `100gb`; unset = unlimited. */
    STORAGE_QUOTA: byteSize.optional(),
    /** `[STORE_LOG] expire_files_hours`; 0 turns expiry off. */
    FILE_EXPIRY_HOURS: int(48, 0),
    /** Seconds between expiry sweeps (upstream 2 h; not in the INI). */
    FILE_EXPIRY_CHECK_INTERVAL: int(7200, 1),
    /** `[AUTH] create_password`: FNEW must carry it. */
    CREATE_PASSWORD: basicAuth.optional(),
    /** `[AUTH] new_files`. */
    NEW_FILES: onOff(true),
    /** `[WEB] cert`: PEM chain for browsers, presented to clients that send SNI (enables the web handshake and CORS). */
    WEB_CERT: z.string().optional(),
    /** `[WEB] key`. */
    WEB_KEY: z.string().optional(),
    /** `[INACTIVE_CLIENTS] disconnect` (off by default for XFTP). */
    INACTIVE_CLIENTS_DISCONNECT: onOff(false),
    /** `[INACTIVE_CLIENTS] ttl`, seconds. */
    INACTIVE_CLIENTS_TTL: int(21_600, 1),
    /** `[INACTIVE_CLIENTS] check_interval`, seconds. */
    INACTIVE_CLIENTS_CHECK_INTERVAL: int(3_600, 1),
    /** Operator control port on 127.0.0.1 (INI `[TRANSPORT] control_port`, upstream template 5226); 0 = off. */
    CONTROL_PORT: port(0),
    /** `[AUTH] control_port_admin_password` (the `init` command prints a generated one). */
    CONTROL_PORT_ADMIN_PASSWORD: basicAuth.optional(),
    /** `[AUTH] control_port_user_password`. */
    CONTROL_PORT_USER_PASSWORD: basicAuth.optional(),
  })
  .refine((c) => (c.WEB_CERT === undefined) === (c.WEB_KEY === undefined), {
    message: 'set both WEB_CERT and WEB_KEY, or neither',
    path: ['WEB_CERT'],
  });

/** The gateway's validated configuration. */
export type XftpGatewayConfig = Readonly<z.infer<typeof schema>>;

/** DI token of the configuration. */
export const XFTP_GATEWAY_CONFIG = Symbol('XftpGatewayConfig');

/** Parses the environment; throws ConfigError listing every bad key. */
export function loadXftpGatewayConfig(
  env: Readonly<Record<string, string | undefined>>,
): XftpGatewayConfig {
  return parseEnv(schema, env);
}
