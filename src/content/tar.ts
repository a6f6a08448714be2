/**
 * A gzipped tar archive (POSIX ustar) of a few files in memory: enough for an export of a content
 * pack, with no dependency. Names are relative paths of at most 100 bytes (a pack's are short);
 * directories are implied by the paths, as tar readers expect.
 */
import { gzipSync } from 'node:zlib';

export interface ArchiveFile {
  /** a relative path with forward slashes, e.g. services/food-bank.yaml */
  path: string;
  data: Buffer;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width - 1 digits and a NUL, as ustar readers expect
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mtime: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new Error(`tar: the name ${name} is longer than 100 bytes`);
  nameBytes.copy(h, 0);
  h.write(octal(type === '5' ? 0o755 : 0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** The files under one folder named `root`, as a .tar.gz. */
export function tarGz(root: string, files: readonly ArchiveFile[], mtime = Date.now()): Buffer {
  const parts: Buffer[] = [];
  const dirs = new Set<string>([`${root}/`]);
  for (const f of files) {
    const segments = f.path.split('/');
    for (let i = 1; i < segments.length; i++) dirs.add(`${root}/${segments.slice(0, i).join('/')}/`);
  }
  for (const d of [...dirs].sort()) parts.push(header(d, 0, mtime, '5'));
  for (const f of files) {
    if (!/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/.test(f.path) || f.path.split('/').some((s) => s === '.' || s === '..')) throw new Error(`tar: refusing the path ${f.path}`);
    parts.push(header(`${root}/${f.path}`, f.data.length, mtime, '0'), f.data);
    const pad = (BLOCK - (f.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return gzipSync(Buffer.concat(parts));
}
