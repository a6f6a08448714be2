/**
 * Every migration, in order. Names sort in the order they run; never edit one that has shipped, add
 * the next instead. Tools add their own migration here (e.g. 0002_landscape, 0003_chat).
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_content.js';
import * as m0002 from './0002_landscape.js';
import * as m0003 from './0003_oruk_import.js';
import * as m0004 from './0004_chat.js';
import * as m0005 from './0005_privacy.js';

export const migrations: Record<string, Migration> = {
  '0001_content': m0001,
  '0002_landscape': m0002,
  '0003_oruk_import': m0003,
  '0004_chat': m0004,
  '0005_privacy': m0005,
};
