// English: the 回避管理 console. Same keys as console-avoidance.zh.ts.
import type { consoleAvoidanceZh } from './console-avoidance.zh.ts';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export const consoleAvoidanceEn: Widen<typeof consoleAvoidanceZh> = {
  title: 'Avoidance',
  intro:
    'Avoidance lists (档案人员规避): a user on the list sees nothing of that cadre’s archive or record and is given no case about them. No cadre’s name is shown here: a cadre shows by the archive number and the ID number, partly masked. Adding and lifting an entry each take a reason: the reason for adding is kept with the entry, and both reasons are kept in the audit log; a lifted entry stays on record.',
  add: 'Add to an avoidance list',
  filterUser: 'Filter by user',
  allUsers: 'All users',
  userOption: '{username} ({n})',
  loading: 'Loading the avoidance lists…',
  empty: 'No avoidance entries in force.',
  emptyForUser: 'This user has no avoidance entries in force.',
  total: '{n} avoidance {n:entry|entries} in force',
  col: {
    user: 'User',
    cadre: 'Cadre',
    reason: 'Reason',
    createdAt: 'Added',
    actions: 'Actions',
  },
  noArchive: '(no archive)',
  idNumber: 'ID number {n}',
  cadreLabel: 'archive {no}, ID number {n}',
  cadreLabelNoArchive: 'ID number {n}',
  lift: 'Lift',
  picker: {
    search: 'Find a user',
    searchPlaceholder: 'Part of a username or name',
    user: 'User',
    choose: 'Choose a user',
    option: '{name} ({username}) · {unit}',
    searching: 'Searching…',
    none: 'No matching accounts',
    more: 'Showing the first {n} of {total}; type more to narrow the list.',
  },
  form: {
    title: 'Add to an avoidance list',
    hint: 'Choose the user, then name the cadre by their ID number; from then on the user sees nothing of that cadre’s archive or cases.',
    idNumber: 'Cadre’s ID number',
    idNumberHint: '18 characters, the last may be X',
    idNumberBad: 'An ID number has 18 digits; the last may be X',
    reason: 'Reason',
    reasonHint: '{min}–{max} characters, kept with the entry and in the audit log',
    reasonShort: 'The reason needs at least {n} characters',
    reasonLong: 'The reason may have at most {n} characters',
    required: 'Required',
    chooseUser: 'Choose a user',
    submitting: 'Adding…',
  },
  liftDialog: {
    title: 'Lift the avoidance',
    body: 'Once lifted, {username} may see the archive and cases of the cadre ({cadre}) again, as far as their role allows.',
    reason: 'Reason for lifting',
    reasonHint: '{min}–{max} characters, kept in the audit log',
    tooShort: 'The reason needs at least {n} characters',
    tooLong: 'The reason may have at most {n} characters',
    submitting: 'Lifting…',
  },
  done: {
    added: 'The cadre ({cadre}) is now on the avoidance list of {username}.',
    lifted: '{username} no longer avoids the cadre ({cadre}).',
  },
};
