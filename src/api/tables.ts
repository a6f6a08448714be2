/** The API's own tables (migration 0003_oruk_import), reached with `store.db.withTables<ApiTables>()`. */
import type { Generated } from 'kysely';

export interface OrukFeedTable {
  id: Generated<number>;
  /** the file path or URL the feed was read from: re-importing the same source updates it */
  source: string;
  imported_at: string;
  service_count: number;
}

export interface OrukServiceTable {
  feed_id: number;
  id: string;
  modified_at: string;
  record_hash: string;
  /** the record as validated (nulls dropped) */
  json: string;
}

/** One row per service the API serves, from the pack (owner "pack") or a feed (owner "feed:<id>"). */
export interface ApiServiceTable {
  id: string;
  owner: string;
  /** the pack's slug, for pack services */
  slug: string | null;
  sort_name: string;
  /** normalised name, summary, description, organisation and need area words, for `search` */
  search_text: string;
  status: string;
  min_age: number | null;
  max_age: number | null;
  modified_at: string;
  /** the list item (one-to-one fields only), ready to send */
  list_json: string;
  /** the fully nested service, ready to send; null for pack services (mapped on request) */
  full_json: string | null;
}

export interface ApiServiceTermTable {
  owner: string;
  service_id: string;
  term_id: string;
  taxonomy_id: string | null;
}

export interface ApiServiceScheduleTable {
  owner: string;
  service_id: string;
  /** RRULE day code (MO..SU), or null when the schedule names no days */
  day: string | null;
  /** HH:MM:SS */
  opens_at: string | null;
  closes_at: string | null;
}

export interface ApiServiceAtLocationTable {
  id: string;
  owner: string;
  service_id: string;
  sort_name: string;
  /** the service_at_location with its nested location, without the service */
  json: string;
}

export interface ApiIndexStateTable {
  name: string;
  value: string;
}

// a type alias, not an interface: withTables<> needs an index-compatible record
export type ApiTables = {
  oruk_feed: OrukFeedTable;
  oruk_service: OrukServiceTable;
  api_service: ApiServiceTable;
  api_service_term: ApiServiceTermTable;
  api_service_schedule: ApiServiceScheduleTable;
  api_service_at_location: ApiServiceAtLocationTable;
  api_index_state: ApiIndexStateTable;
};
