/**
 * Local accounts' passwords: a scrypt hash with a random salt per user (node:crypto), stored with its
 * parameters (`scrypt$N$r$p$salt$hash`) so that they can be raised later while older hashes still
 * verify. Comparison is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const PASSWORD_MIN_LENGTH = 12;
/** long enough for any passphrase, short enough that hashing it costs nothing extra */
export const PASSWORD_MAX_LENGTH = 256;

/** about 32 MB and a tenth of a second per hash on a small server */
const DEFAULT = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** memory scrypt needs for N and r, with room to spare (Node refuses above `maxmem`) */
const maxmem = (N: number, r: number) => 256 * N * r;

export async function hashPassword(password: string, params = DEFAULT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, { ...params, maxmem: maxmem(params.N, params.r) });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

const STORED = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/=]{1,100})\$([A-Za-z0-9+/=]{1,200})$/;

/** true when `password` is the one `stored` was made from; false for anything else, a malformed hash included */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const expected = Buffer.from(m[5]!, 'base64');
  if (expected.length !== KEY_LENGTH || N < 2 || (N & (N - 1)) !== 0) return false;
  const key = await scryptAsync(password, Buffer.from(m[4]!, 'base64'), { N, r, p, maxmem: maxmem(N, r) });
  return timingSafeEqual(key, expected);
}

/** A stored hash made once, so that an unknown email costs as much time as a known one. */
let dummy: Promise<string> | undefined;
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hashPassword('not anyone’s password');
  await verifyPassword(password, await dummy);
  return false;
}

/** What is wrong with a new password, or undefined when it will do. */
export function passwordProblem(password: string, email: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `The password must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (password.length > PASSWORD_MAX_LENGTH) return `The password must be ${PASSWORD_MAX_LENGTH} characters or fewer`;
  const lower = password.trim().toLowerCase();
  const address = email.trim().toLowerCase();
  const local = address.split('@')[0] ?? '';
  if (lower === address || lower === local || (local.length >= 4 && lower.includes(local))) return 'The password must not be or contain the email address';
  if (new Set(password).size < 4) return 'The password must use more than a few different characters';
  return undefined;
}
