// Configuration of the queue-store service from environment variables, validated once at boot
// (house style §7). Upstream `smp-server.ini` equivalents are noted per key.
import { commonEnv, int, onOff, parseEnv, parseRangesSafe, z } from './env-helpers.ts';

const schema = z
  .object({
    ...commonEnv,
    /** This instance's bus ID (e.g. the pod name): letters, digits, `-`, `_`. */
    STORE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    /** The vshards this instance owns, e.g. `0-511`; default all. Two instances can never own one vshard. */
    VSHARDS: z.string().default(''),
    /** PostgreSQL URL (INI `[STORE_LOG] db_connection`). */
    DATABASE_URL: z.string().min(1),
    /** Pool size (INI `[STORE_LOG] db_pool_size`, default 10). */
    DB_POOL_SIZE: int(10, 1, 1000),
    /** `[AUTH] new_queues`. */
    NEW_QUEUES: onOff(true),
    /** `[AUTH] create_password`: NEW must carry it; unset = open server. */
    CREATE_PASSWORD: z
      .string()
      .regex(/^[!-~]+$/)
      .refine((s) => !/[@:/]/.test(s), 'no @, : or /')
      .optional(),
    /** `[STORE_LOG] expire_messages_days` (0 = never). */
    EXPIRE_MESSAGES_DAYS: int(21, 0),
    /** `[STORE_LOG] expire_ntfs_hours`. */
    EXPIRE_NTFS_HOURS: int(24, 1),
    /** `[STORE_LOG] expire_messages_on_send`. */
    EXPIRE_MESSAGES_ON_SEND: onOff(true),
    /** Messages per queue before the quota marker (upstream `msgQueueQuota`, 128). */
    MSG_QUEUE_QUOTA: int(128, 1, 65535),
    /** `[AUTH] daily_block_queue_quota` (0 = unlimited, -1 = forbid). */
    DAILY_BLOCK_QUEUE_QUOTA: int(20, -1),
  })
  .transform((c, ctx) => {
    const vshards = parseRangesSafe(
      c.VSHARDS === '' ? `0-${c.VSHARD_COUNT - 1}` : c.VSHARDS,
      c.VSHARD_COUNT,
    );
    if (typeof vshards === 'string') {
      ctx.addIssue({ code: 'custom', path: ['VSHARDS'], message: vshards });
      return z.NEVER;
    }
    return { ...c, vshards };
  });

/** The service's validated configuration. */
export type QueueStoreConfig = Readonly<z.infer<typeof schema>>;

/** DI token of the configuration. */
export const QUEUE_STORE_CONFIG = Symbol('QueueStoreConfig');

/** Parses the environment; throws ConfigError listing every bad key. */
export function loadQueueStoreConfig(
  env: Readonly<Record<string, string | undefined>>,
): QueueStoreConfig {
  return parseEnv(schema, env);
}
