/**
 * The database's tables as Kysely sees them. Core content tables live here; a tool that needs tables
 * of its own declares them beside its code and reaches them with `db.withTables<...>()`.
 */
import type { Generated, Kysely } from 'kysely';

export interface ContentImportTable {
  id: Generated<number>;
  pack_id: string;
  content_hash: string;
  imported_at: string;
  service_count: number;
}

/** whole-pack documents: the manifest, the glossary, and each tool's section */
export interface ContentDocumentTable {
  name: string;
  json: string;
}

export interface LevelTable {
  id: string;
  rank: number;
  json: string;
}

export interface NeedAreaTable {
  id: string;
  parent_id: string | null;
  position: number;
  name: string;
  json: string;
}

export interface ServiceTable {
  slug: string;
  /** the Open Referral UK id: a UUID derived from the pack id and the slug, stable across imports */
  oruk_id: string;
  name: string;
  summary: string;
  status: string;
  coverage: string;
  provider_type: string;
  min_age: number | null;
  max_age: number | null;
  free: number;
  reviewed: string;
  /** when this record's content last changed (ISO timestamp), for ORUK `modified_after` */
  modified_at: string;
  /** hash of the record, to tell whether it changed on re-import */
  record_hash: string;
  json: string;
}

export interface ServiceNeedAreaTable {
  service_slug: string;
  need_area_id: string;
}

export interface ServiceLevelTable {
  service_slug: string;
  level_id: string;
}

/** one row per publish; its id is the published content's version */
export interface ContentVersionTable {
  id: Generated<number>;
  kind: string;
  published_at: string;
}

export interface AppSettingTable {
  name: string;
  value: string;
}

export interface Database {
  content_version: ContentVersionTable;
  app_setting: AppSettingTable;
  content_import: ContentImportTable;
  content_document: ContentDocumentTable;
  level: LevelTable;
  need_area: NeedAreaTable;
  service: ServiceTable;
  service_need_area: ServiceNeedAreaTable;
  service_level: ServiceLevelTable;
}

export type Db = Kysely<Database>;
