/**
 * A finished competition stays readable and changes no more: what may still be asked of an archived competition
 * (its rankings, awards, reports and export), and the answer to everything else.
 */
import { text, type Text } from '../platform/i18n';

/** Commands that only read (src/features/*: each CommandSpec's name). */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  'help',
  'schedule',
  'reports',
  'registrations',
  'projects',
  'ranking',
  'awards',
  'export',
  'failures',
  'members',
  'reminders',
]);

/** Buttons that only read or page (cards/actions.ts). */
export const READ_ONLY_ACTIONS: ReadonlySet<string> = new Set([
  'help.show',
  'cmp.pick',
  'reg.list',
  'rpt.history',
  'rpt.guidance',
  'rpt.files',
  'rpt.overview',
  'rem.open',
  'judge.list',
  'rank.track',
  'rank.overview',
  'award.list',
  'gd.thread',
  'att.open',
]);

export function archivedRefusal(name: string, nameEn: string): Text {
  return text(
    `「${name}」已归档：可以查看日程、进展、排行、表彰和导出，但不再接受报名、填报、评分或其他更改。`,
    `"${nameEn}" is archived: its schedule, reports, rankings, awards and export can still be read, but it takes no more registrations, reports, scores or other changes.`,
  );
}

/** Whether a command only reads: `进展 <project code>` shows a timeline, where `进展` alone opens the report form. */
export function readsOnly(name: string, args: readonly string[]): boolean {
  return READ_ONLY_COMMANDS.has(name) || (name === 'progress' && args.join('').trim() !== '');
}
