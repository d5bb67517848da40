export { checkSchemaName, runSqlMigrations } from './migrate.ts';
export type { SqlMigrationsOptions } from './migrate.ts';
