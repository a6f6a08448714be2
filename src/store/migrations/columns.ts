import type { ColumnDefinitionBuilder } from 'kysely';

/**
 * The few column definitions that each dialect spells its own way, given to the migrations by the
 * dialect's module (src/store/sqlite.ts, src/store/postgres.ts).
 */
export interface DialectColumns {
  /** a generated integer primary key: an identity column on PostgreSQL */
  identity(c: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
}
