// 系统设置, 安全策略 and 数据备份 (三员 consoles): English strings, the same keys as console-settings.zh.ts.
import type { consoleSettingsZh } from './console-settings.zh.ts';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const consoleSettingsEn: Shape<typeof consoleSettingsZh> = {
  refusal: {
    sys_admin: 'This page is for the system administrator only; your account may not use it.',
    sec_admin: 'This page is for the security administrator only; your account may not use it.',
  },
  form: {
    save: 'Save changes…',
    revert: 'Discard changes',
    confirmTitle: 'Save these changes?',
    confirmIntro: '{n} value(s) will change; each change is written to the audit log with its old and new value:',
    confirm: 'Save',
    saving: 'Saving…',
    cancel: 'Cancel',
    clean: 'These are the settings in force.',
    dirty: '{n} unsaved change(s).',
    savedAt: 'Saved at {time}; the new settings are in force.',
    refused: 'The server did not accept these changes; correct them as the red notes under each setting say, and save again.',
    current: 'In force: {value}',
    range: 'Allowed {min}–{max}',
    chars: '{n}/{max} characters',
    empty: '(empty)',
    none: '(none)',
    leave: 'Some changed settings are not saved; leaving loses them, and the settings in force stay as they were.',
    seconds: '{n} s',
    equals: '= {time}',
    column: { item: 'Setting', from: 'Old value', to: 'New value' },
  },
  settings: {
    title: 'System settings',
    intro: 'The system name and the login notice appear on the login page, for everyone before they sign in. Changes are audited.',
    groups: { system: 'Login page' },
    fields: {
      system: {
        siteName: { label: 'System name', help: 'The name shown on the login page, e.g. "Cadre Personnel Archives of the City Organisation Department". 1–60 characters.' },
        loginNotice: {
          label: 'Login notice',
          help: 'A notice shown at the bottom of the login page; may span several lines. At most 500 characters. When empty, the default reads: "Authorised personnel only; every action is recorded."',
        },
      },
    },
  },
  security: {
    title: 'Security policy',
    intro:
      'Passwords, login failure handling, session timeouts and two-factor login as MLPS 2.0 level 3 (GB/T 22239-2019) asks for identification and access control. The lower bounds shown are enforced by the server: values below them are refused. Every change is audited.',
    groups: {
      password: 'Password complexity and change',
      lockout: 'Login failure handling',
      session: 'Session timeouts',
      totp: 'Two-factor login (one-time codes)',
      rateLimit: 'Login failures per address',
    },
    units: { chars: 'characters', classes: 'classes', times: 'times', days: 'days', seconds: 'seconds' },
    fields: {
      password: {
        minLength: {
          label: 'Minimum password length',
          help: 'The fewest characters a new password may have.',
          bound: 'MLPS asks for complex passwords changed regularly; settings under 8 characters are refused.',
        },
        minClasses: {
          label: 'Character classes',
          help: 'How many of upper case, lower case, digits and other symbols a password must contain.',
          bound: '3 or more recommended.',
        },
        historyCount: { label: 'Recent passwords not to reuse', help: 'A new password may not be one of the last N; 0 does not check.' },
        maxAgeDays: {
          label: 'Password lifetime',
          help: 'After this many days the password must be changed; 0 means never (demo accounts are exempt).',
          bound: 'MLPS asks for regular password changes; 90 days or fewer recommended.',
        },
      },
      lockout: {
        maxFailures: {
          label: 'Failures before lockout',
          help: 'An account is locked after this many wrong passwords in a row; while locked, even the right password does not open it.',
          bound: 'MLPS asks for login failure handling; 5 or fewer recommended.',
        },
        lockSeconds: { label: 'Lockout duration', help: 'How long a locked account stays locked; the system administrator may unlock it earlier. At least 60 seconds.' },
      },
      session: {
        idleSeconds: {
          label: 'Idle timeout',
          help: 'A user who does nothing for this long is signed out. 60 seconds to 1 day.',
          bound: 'MLPS asks for automatic sign-out after a timeout.',
        },
        absoluteSeconds: { label: 'Maximum session length', help: 'Counted from the login, active or not. Not shorter than the idle timeout; 300 seconds to 7 days.' },
      },
      totp: {
        roles: {
          label: 'Roles that need a one-time code',
          help: 'The roles ticked enter the 6-digit code of their authenticator app besides the password. The three administrators always do and are not listed.',
          bound: 'MLPS level 3 asks for two or more combined authentication techniques, one of them cryptographic.',
        },
      },
      rateLimit: {
        ipMaxFailures: {
          label: 'Failures per address',
          help: 'An address with this many failed logins within the window is refused for a while. Only failures count: an office behind one address is not blocked by its own logins.',
        },
        ipWindowSeconds: { label: 'Counting window', help: 'The period over which failures per address are counted, 10 seconds to 1 day.' },
      },
    },
  },
  backups: {
    title: 'Backups',
    intro: 'A backup holds the database and the files of the data folder (page scans, attachments), with a manifest (manifest.json: rows per table, the audit head, the size and SHA-256 of every file) and SHA256SUMS. An audit checkpoint is signed first, so the backup verifies on its own.',
    whereTitle: 'Where backups are kept',
    where: 'Backups are written to the backup folder on the server (BACKUP_DIR, by default the backups folder in the data folder), one sub-folder per backup; its path is in the table below. Copy it to the medium chosen (disc, removable media, tape or off-site).',
    keysTitle: 'Backups are encrypted; the keys are not in them',
    keys: 'The database and files in a backup are encrypted with the backup key (AES-256-GCM): whoever holds the backup medium without that key cannot read it. The backup key (keys/backup-aes256.key), the audit signing key and the key that encrypts one-time code secrets are never written to a backup (it carries the audit public key only). Keep the keys apart from the backup media: to restore, copy keys/backup-aes256.key and keys/totp-aes256.key from the old data folder; if the backup key is lost, nobody can restore the backups made with it, so back up again at once. If the one-time code key is truly lost, operations can reset second factors on the server with npm run admins:reset-totp.',
    restore: 'A restore is run by operations with the servers stopped (a restore while a server runs is refused): npm run restore -- <backup folder>; it checks every hash before replacing anything. sha256sum -c SHA256SUMS in the backup folder checks it without Dangan.',
    medium: 'Medium',
    media: { disk: 'Disk', optical: 'Optical disc', usb: 'Removable media', tape: 'Tape', remote: 'Off-site/remote' },
    start: 'Back up now',
    running: 'Backing up, {time} so far. With much data this can take a few minutes; leaving this page does not stop it, and it will be listed in the ledger when done.',
    done: 'Backup done: {path} ({size}, {files} files).',
    failed: 'The backup failed: {error}',
    otherRunning: 'A backup is already running: started by {operator} at {at}, {time} so far. It will be listed in the ledger when done; then you can back up again.',
    ledger: 'Backup ledger',
    count: '{n} entries (failed backups included)',
    empty: 'No backups yet.',
    col: {
      at: 'Time',
      operator: 'Operator',
      medium: 'Medium',
      outcome: 'Outcome',
      detail: 'Location and checks',
    },
    ok: 'Done',
    okSize: '{kind}, {size}, {files} files',
    failedRow: 'Failed',
    failedWhy: 'No backup was made: {reason}',
    sha256: 'Manifest SHA-256',
    auditSeq: 'up to entry {n}',
    kinds: { sqlite: 'SQLite', pg: 'PostgreSQL' },
    verifyHint: 'The manifest hash tells whether manifest.json in the backup folder was changed; a restore checks every file again.',
  },
};
