/**
 * Every migration, in order. Names sort in the order they run; never edit one that has shipped, add
 * the next instead. Each takes the dialect's own column definitions (see columns.ts).
 */
import type { Kysely, Migration } from 'kysely';
import type { DialectColumns } from './columns.js';
import * as m0001 from './0001_content.js';
import * as m0002 from './0002_landscape.js';
import * as m0003 from './0003_oruk_import.js';
import * as m0004 from './0004_chat.js';
import * as m0005 from './0005_privacy.js';
import * as m0006 from './0006_content_version.js';
import * as m0007 from './0007_rate_counts.js';
import * as m0008 from './0008_admin.js';
import * as m0009 from './0009_drafts.js';
import * as m0010 from './0010_insights.js';
import * as m0011 from './0011_fresh.js';
import * as m0012 from './0012_template_uploads.js';
import * as m0013 from './0013_provider_checks.js';
import * as m0014 from './0014_directory_report.js';

export type { DialectColumns };

interface DialectMigration {
  up(db: Kysely<unknown>, columns: DialectColumns): Promise<void>;
  down(db: Kysely<unknown>): Promise<void>;
}

const all: Record<string, DialectMigration> = {
  '0001_content': m0001,
  '0002_landscape': m0002,
  '0003_oruk_import': m0003,
  '0004_chat': m0004,
  '0005_privacy': m0005,
  '0006_content_version': m0006,
  '0007_rate_counts': m0007,
  '0008_admin': m0008,
  '0009_drafts': m0009,
  '0010_insights': m0010,
  '0011_fresh': m0011,
  '0012_template_uploads': m0012,
  '0013_provider_checks': m0013,
  '0014_directory_report': m0014,
};

export function migrations(columns: DialectColumns): Record<string, Migration> {
  return Object.fromEntries(Object.entries(all).map(([name, m]) => [name, { up: (db: Kysely<unknown>) => m.up(db, columns), down: (db: Kysely<unknown>) => m.down(db) }]));
}
