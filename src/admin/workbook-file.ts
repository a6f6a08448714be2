/**
 * An uploaded spreadsheet, checked before a spreadsheet library reads it: an .xlsx file is a zip of
 * XML files, and a hostile one can be small on the wire and huge once unzipped (a zip bomb), carry
 * macros, or name ranges over millions of cells that a reader would walk cell by cell. Here the zip's
 * own directory is read, every entry is inflated with a ceiling on its output, and what is refused
 * gets a message an editor can act on. Only then is the workbook opened with ExcelJS, with the sheet
 * parts that only style a sheet (validations, merges, conditional formats) left unread.
 */
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';

/** the largest file taken: a 2,000-row services template with long texts is well under 2 MB */
export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;
/** the most its parts may hold once unzipped, all together */
export const UNZIPPED_MAX_BYTES = 40 * 1024 * 1024;
/** the most parts (files inside the zip) it may have: a workbook has about 10 to 20 */
export const ZIP_MAX_ENTRIES = 300;
/** the most cells one named range may cover */
const NAMED_RANGE_MAX_CELLS = 1_000_000;
/** the most <row> elements a sheet may have, formatted empty rows included (the rows of data are limited apart) */
const SHEET_MAX_ROW_ELEMENTS = 20_000;
/** the most cells one row may have */
const ROW_MAX_CELLS = 1_000;

export type RefusalKind = 'not-a-spreadsheet' | 'old-format' | 'macros' | 'too-large' | 'zip-bomb' | 'damaged' | 'encrypted';

/** A file that is not read at all, and why, in words for the person who sent it. */
export class FileRefusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    /** the HTTP status of the answer */
    readonly status = kind === 'too-large' ? 413 : 400,
  ) {
    super(message);
  }
}

const SAVE_AS = 'Open it in your spreadsheet program and save it as an Excel Workbook (.xlsx), then upload that.';
const MB = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** the zip's central directory: every part's name, sizes and where its data starts */
function readDirectory(bytes: Buffer): ZipEntry[] {
  const damaged = () => new FileRefusal('damaged', `The file could not be read as an Excel workbook: it may be damaged or cut short. ${SAVE_AS}`);
  // the end-of-directory record is in the last 22 bytes, or before a comment of up to 65,535
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw damaged();
  const count = bytes.readUInt16LE(end + 10);
  const dirSize = bytes.readUInt32LE(end + 12);
  const dirOffset = bytes.readUInt32LE(end + 16);
  // ZIP64 markers: a workbook small enough to be taken never needs them
  if (count === 0xffff || dirOffset === 0xffffffff || dirSize === 0xffffffff) throw damaged();
  if (count > ZIP_MAX_ENTRIES) throw new FileRefusal('zip-bomb', `The file holds ${count.toLocaleString('en-GB')} parts; a workbook has a few dozen at most, so it was not opened. ${SAVE_AS}`);
  if (dirOffset + dirSize > end) throw damaged();
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > end || bytes.readUInt32LE(at) !== 0x02014b50) throw damaged();
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    entries.push({
      flags: bytes.readUInt16LE(at + 8),
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      name: bytes.toString('utf8', at + 46, at + 46 + nameLength),
      localOffset: bytes.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Every part unzipped, within the ceiling. A part whose declared size is wrong, or all of them
 * together over UNZIPPED_MAX_BYTES, is refused before any more is inflated.
 */
function unzipAll(bytes: Buffer, entries: ZipEntry[]): Map<string, Buffer> {
  const damaged = () => new FileRefusal('damaged', `The file could not be read as an Excel workbook: it may be damaged. ${SAVE_AS}`);
  const bomb = () => new FileRefusal('zip-bomb', `The file would unzip to more than ${MB(UNZIPPED_MAX_BYTES)}, far more than any template, so it was not opened. Upload a template downloaded from this page, filled in.`);
  const declared = entries.reduce((n, e) => n + e.size, 0);
  if (declared > UNZIPPED_MAX_BYTES) throw bomb();
  const parts = new Map<string, Buffer>();
  let total = 0;
  for (const e of entries) {
    if (e.flags & 0x1) throw new FileRefusal('encrypted', 'The workbook is protected with a password, so it cannot be read. Remove the password (or save a copy without one) and upload that.');
    if (e.name.endsWith('/')) continue;
    const at = e.localOffset;
    if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== 0x04034b50) throw damaged();
    const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
    if (start + e.compressedSize > bytes.length) throw damaged();
    const data = bytes.subarray(start, start + e.compressedSize);
    let out: Buffer;
    if (e.method === 0) out = data;
    else if (e.method === 8) {
      try {
        out = inflateRawSync(data, { maxOutputLength: Math.max(1, UNZIPPED_MAX_BYTES - total) });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bomb();
        throw damaged();
      }
    } else throw damaged();
    if (out.length !== e.size) throw damaged();
    total += out.length;
    if (total > UNZIPPED_MAX_BYTES) throw bomb();
    parts.set(e.name, out);
  }
  return parts;
}

/** the cells a defined name's ranges cover, as Sheet!$A$1:$B$9 (a whole column or row counts in full) */
function namedCells(text: string): number {
  let cells = 0;
  const colNumber = (letters: string) => [...letters.toUpperCase()].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
  for (const m of text.matchAll(/\$?([A-Za-z]{1,3})?\$?(\d+)?:\$?([A-Za-z]{1,3})?\$?(\d+)?/g)) {
    const [, c1, r1, c2, r2] = m;
    if (!c1 && !r1) continue;
    const cols = c1 && c2 ? Math.abs(colNumber(c2) - colNumber(c1)) + 1 : 16_384;
    const rows = r1 && r2 ? Math.abs(Number(r2) - Number(r1)) + 1 : 1_048_576;
    cells += cols * rows;
  }
  return cells;
}

/**
 * Checks an uploaded file and opens it as a workbook; a file that is not taken throws FileRefusal.
 * `fileName` is the name the browser sent, used only to recognise a macro-enabled workbook early.
 */
export async function openWorkbook(bytes: Buffer, fileName = ''): Promise<ExcelJS.Workbook> {
  if (bytes.length === 0) throw new FileRefusal('not-a-spreadsheet', 'The file is empty. Choose the filled-in template (.xlsx) and upload it again.');
  if (bytes.length > UPLOAD_MAX_BYTES) throw new FileRefusal('too-large', `The file is larger than ${MB(UPLOAD_MAX_BYTES)}. A template of 2,000 rows is far smaller: upload the template itself, without pictures or other sheets.`);
  if (/\.(xlsm|xltm|xlam)$/i.test(fileName)) throw macros();
  if (bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw new FileRefusal('old-format', `This is an older Excel file (.xls), or a workbook protected with a password. ${SAVE_AS}`);
  }
  if (bytes.readUInt32LE(0) !== 0x04034b50) {
    throw new FileRefusal('not-a-spreadsheet', `The file is not an Excel workbook (.xlsx)${/\.csv$/i.test(fileName) ? ': it is a CSV file' : ''}. Download the template from this page, fill it in, and upload it as .xlsx.`);
  }
  const entries = readDirectory(bytes);
  const names = new Set(entries.map((e) => e.name));
  if ([...names].some((n) => /(^|\/)vbaProject\.bin$/i.test(n) || /(^|\/)vbaProjectSignature\.bin$/i.test(n))) throw macros();
  const parts = unzipAll(bytes, entries);
  const contentTypes = parts.get('[Content_Types].xml')?.toString('utf8') ?? '';
  if (/macroEnabled|vbaProject/i.test(contentTypes)) throw macros();
  if (parts.get('mimetype')?.toString('utf8').includes('opendocument')) {
    throw new FileRefusal('not-a-spreadsheet', `This is an OpenDocument spreadsheet (.ods). ${SAVE_AS}`);
  }
  if (names.has('xl/workbook.bin')) throw new FileRefusal('not-a-spreadsheet', `This is an Excel binary workbook (.xlsb). ${SAVE_AS}`);
  const workbookXml = parts.get('xl/workbook.xml')?.toString('utf8');
  if (workbookXml === undefined) throw new FileRefusal('not-a-spreadsheet', 'The file is a zip archive but not an Excel workbook (.xlsx). Download the template from this page, fill it in, and upload it.');
  for (const m of workbookXml.matchAll(/<(?:\w+:)?definedName\b[^>]*>([^<]*)</g)) {
    if (namedCells(m[1]!) > NAMED_RANGE_MAX_CELLS) {
      throw new FileRefusal('zip-bomb', 'The workbook has a named range over more than a million cells, so it was not opened. Copy your rows into a new template from this page and upload that.');
    }
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer, {
      // parts that only style or annotate a sheet: a reader would expand their ranges cell by cell
      ignoreNodes: ['dataValidations', 'mergeCells', 'conditionalFormatting', 'hyperlinks', 'autoFilter', 'rowBreaks', 'cols', 'picture', 'drawing', 'tableParts', 'extLst', 'headerFooter', 'pageSetup', 'printOptions', 'sheetProtection'],
      maxRows: SHEET_MAX_ROW_ELEMENTS,
      maxCols: ROW_MAX_CELLS,
    } as Partial<ExcelJS.XlsxReadOptions> as ExcelJS.XlsxReadOptions);
  } catch (err) {
    if (/Max (row|column) count/i.test((err as Error).message ?? '')) {
      throw new FileRefusal('too-large', `A sheet of the workbook has more than ${SHEET_MAX_ROW_ELEMENTS.toLocaleString('en-GB')} rows or a row more than ${ROW_MAX_CELLS.toLocaleString('en-GB')} cells, so it was not read. Upload the template with its rows of records only.`);
    }
    throw new FileRefusal('damaged', `The file could not be read as an Excel workbook: it may be damaged. ${SAVE_AS}`);
  }
  return workbook;
}

function macros(): FileRefusal {
  return new FileRefusal('macros', 'The workbook contains macros (a macro-enabled file, such as .xlsm). Macros are never opened here. Save it as an Excel Workbook (.xlsx), which has no macros, and upload that.');
}
