// Configuration of the one-process relay (`npm start`), from environment variables. Every key has
// a default so a newcomer needs none; upstream `smp-server.ini` equivalents are noted.
import { int, onOff, parseEnv, port, z } from '@simplex-relay/config';

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
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/** The relay's validated configuration. */
export type RelayConfig = Readonly<z.infer<typeof schema>>;

/** Parses the environment; throws ConfigError listing every bad key. */
export function loadRelayConfig(env: Readonly<Record<string, string | undefined>>): RelayConfig {
  return parseEnv(schema, env);
}
