// 目录导入 (the catalogue import) in English: the same keys as imports.zh.ts.
import type { importsZh } from './imports.zh.ts';

type Same<T> = { [K in keyof T]: T[K] extends string ? string : Same<T[K]> };

export const importsEn: Same<typeof importsZh> = {
  title: 'Catalogue import',
  intro: 'Imports historical data (cadres, archives, catalogue rows) from a CSV or XLSX file into this archive office. Check first: every row is checked and nothing is written. Only a clean file can then be imported, all of it or nothing.',
  file: {
    legend: 'Choose a file',
    label: 'Import file (CSV or XLSX)',
    help: 'At most {size}, and at most 50,000 rows a sheet. A CSV must be UTF-8 encoded: in Excel/WPS use Save as → CSV UTF-8 (Comma delimited); a GBK-encoded CSV cannot be read. Or upload the XLSX file itself.',
    chosen: 'Chosen: {name} ({size})',
    wrongType: 'Only .csv and .xlsx files can be imported.',
    tooLarge: 'The file is {size}, over the {limit} limit: split it into smaller files and import them one after another.',
  },
  columns: {
    summary: 'The columns a file holds',
    intro: 'The first row names the columns, by code or by Chinese name. One kind of data per sheet; a misspelt column is not ignored but reported.',
    cadres: 'Cadres and archives (a sheet with a0101 name)',
    cadresRequired: 'Required: name (a0101), gender (a0104), birth date (a0107), native place (a0111a), ethnicity (a0117), political status (a0141), ID number (a0184), management_level, unit_code.',
    cadresOptional: 'Optional: work start (a0134), party join date (a0144), education, degree, post, archive_no, archive_kind, volumes, store_room, cabinet, shelf, custodian_code.',
    catalogue: 'Catalogue (a sheet with e01z211 category)',
    catalogueRequired: 'Required: archive_no, category (e01z211: its code such as 1, 4-1, 10, or as the catalogue writes it: 一, 四-1, 十), title (e01z211a), date (e01z227, YYYYMMDD or YYYY-MM-DD), pages (e01z224).',
    catalogueOptional: 'Optional: item number (e01z212), issuing unit (e01z0001), is_copy (是/否), copy_date, remark.',
    order: 'Import the cadres first, then their catalogue.',
  },
  check: 'Check',
  checkAgain: 'Check again',
  import: 'Import',
  importHint: 'A file can be imported once its check is clean.',
  changed: 'The file has changed: check it again.',
  busy: {
    uploading: 'Uploading… {percent}%',
    checking: 'The server is checking the file (a large file takes a few seconds)…',
    importing: 'The server is importing the file (a large file takes a few seconds)…',
  },
  report: {
    checkedClean: 'The check found no problem. The import will add:',
    checkedProblems: 'The check found {n} problem(s): nothing of the file will be imported. Correct them, choose the file again and check it.',
    firstOnly: 'The first {shown} are listed.',
    empty: 'The file has no rows to import.',
    imported: 'Imported. Added:',
    refused: 'Not imported: {n} problem(s) were found and nothing was written. Correct them and check again.',
    counts: '{cadres} cadre(s), {archives} archive(s), {materials} catalogue material(s)',
    toArchives: 'Open Archives',
  },
  table: {
    caption: 'Problems',
    sheet: 'Sheet',
    row: 'Row',
    column: 'Column',
    problem: 'Problem',
    header: 'header row',
  },
  failed: {
    check: 'The check could not be done: {reason}',
    import: 'The import could not be done: {reason}',
    unreadable: 'The file cannot be read: it may have been changed, moved or deleted since it was chosen. Choose it again and check it.',
    tooLarge: 'The file is over the {limit} limit and the server refused it: split it into smaller files and import them one after another.',
  },
};
