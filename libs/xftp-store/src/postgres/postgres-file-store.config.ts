// Typed options of the Postgres file store. Env parsing and validation belong to the app config
// (house style §7); this is the plain object the app hands over.

/** Options of `PostgresFileStore`. */
export interface PostgresFileStoreConfig {
  /** libpq connection URL, e.g. `postgres://user@host:5432/db`. */
  readonly connectionString: string;
  /** Schema holding the tables (migrated with the same name). Default `xftp_store`. */
  readonly schema?: string;
  /** Maximum pool connections. Default 10 (upstream `defaultXFTPDBOpts.poolSize`). */
  readonly poolSize?: number;
  /** Called with errors of idle pooled connections (e.g. a backend terminated by the server). Default: `process.emitWarning`. */
  readonly onPoolError?: (err: Error) => void;
}

/** Defaults of the optional fields. */
export const POSTGRES_FILE_STORE_DEFAULTS = {
  poolSize: 10,
} as const;
