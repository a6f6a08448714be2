/** The Open Referral UK profile's schemas and examples the tests use, vendored in test/oruk (CC BY-SA 4.0). */
import { join } from 'node:path';
import { projectRoot } from '../../src/content/pack-dir.js';

export const ORUK_DIR = join(projectRoot(), 'test', 'oruk');
export const ORUK_EXAMPLES = join(ORUK_DIR, 'examples');
