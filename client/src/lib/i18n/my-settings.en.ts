// 个人设置 in English: the same keys as my-settings.zh.ts.
import type { mySettingsZh } from './my-settings.zh.ts';

type Same<T> = { [K in keyof T]: T[K] extends string ? string : Same<T[K]> };

export const mySettingsEn: Same<typeof mySettingsZh> = {
  title: 'My settings',
  intro: 'These settings are your account’s: they apply on any computer you log in from.',
  loadFailed: 'Your settings could not be read',
  mail: {
    heading: 'Mail notifications',
    to: 'Notifications are mailed to {email}. The system administrator records the address; ask them to change it.',
    noAddress: 'Your account has no mail address, so no notification can reach you. Ask the system administrator to record one.',
  },
  delivery: {
    legend: 'How mail comes',
    immediate: 'One mail per notice, at once',
    immediateHelp: 'Each notice is mailed as it happens.',
    digest: 'One daily digest',
    digestHelp: 'The day’s notices wait and go out as one mail at the hour you pick. Switching back to at once sends what waits right away.',
    hour: 'Digest hour (Beijing time)',
    hourDefault: 'The system’s default (daily at {hour})',
    hourOption: 'Daily at {hour}',
  },
  events: {
    legend: 'What to mail me about',
    help: 'Unticked notices are not mailed; everything stays visible in Dangan.',
    mandatory: 'Always sent',
    groups: {
      tasks: 'Tasks',
      applications: 'My applications',
      deadlines: 'Deadlines',
      reviews: 'Archive reviews',
      other: 'Other',
    },
    reason: {
      deadline: 'Deadline warnings of archive work cannot be turned off, but they can come in the daily digest.',
      stuck: 'Someone must know when a case is stuck and nobody can work it: it cannot be turned off, but it can come in the daily digest.',
      other: 'This notice cannot be turned off, but it can come in the daily digest.',
    },
    names: {
      task_assigned: { label: 'Tasks assigned to me', help: 'A step is assigned to you, or a colleague hands a task on to you.' },
      task_offered: { label: 'Tasks for my role', help: 'A new task for a role you hold in your unit, to claim.' },
      task_taken: { label: 'My task handed on', help: 'The process administrator gave a task you held to someone else.' },
      task_unstaffed: { label: 'Nobody can work a task', help: 'Everyone who could work a task must avoid the case, or nobody holds its role (archive chief, process administrators).' },
      application_decided: { label: 'Decision on my application', help: 'An application you filed was approved, not approved, terminated or completed.' },
      loan_lent: { label: 'Archive lent', help: 'The archive you borrow is lent out, with the return date.' },
      loan_due_soon: { label: 'Loan due soon', help: 'A lent archive is due back in a day.' },
      renewal_decided: { label: 'Renewal decided', help: 'A renewal was approved (with the new return date) or refused.' },
      copy_disposition_due: { label: 'Copies to account for', help: 'You have not yet reported copies filed or destroyed.' },
      loan_overdue: { label: 'Loan overdue', help: 'A lent archive was not returned in time (unit head, archive chief).' },
      receipt_chase: { label: 'Transfer receipt missing', help: 'No receipt came back for an archive sent out (archivist).' },
      handover_due: { label: 'Material hand-over due', help: 'New materials must reach the archive office in time (material producer).' },
      transfer_due: { label: 'Transfer due', help: 'An archive must be sent out in time (archivist).' },
      review_due: { label: 'Incoming review due', help: 'A received archive must be reviewed in time (archivist).' },
      review_submitted: { label: 'Archive review to confirm', help: 'A review is submitted for you to confirm (archive chief).' },
      review_returned: { label: 'Archive review returned', help: 'A review you submitted was returned for changes.' },
      review_unstaffed: { label: 'Nobody can confirm a review', help: 'Everyone who could confirm it must avoid the cadre (leader, process administrators).' },
      process_incident: { label: 'Process incident', help: 'A step of a diagram cannot run and the case is stuck (process administrators).' },
    },
  },
  language: {
    heading: 'Language',
    label: 'Language of screens and mail',
    help: 'Mails come in this language. Switching the language in the header changes it too; on another computer, Dangan opens in it.',
  },
  form: {
    save: 'Save',
    saving: 'Saving…',
    revert: 'Undo changes',
    dirty: '{n} unsaved change(s)',
    saved: 'Saved ({time})',
    clean: 'No unsaved changes',
    savedToast: 'Your settings are saved',
    refused: 'Something was not saved: see the notes at the fields.',
    leave: 'Your changes to My settings are not saved. They will be lost if you leave.',
  },
};
