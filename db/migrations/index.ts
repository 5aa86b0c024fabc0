/**
 * The list of migrations, imported statically so that the Workers bundle carries them too
 * (FileMigrationProvider needs a file system). Names are timestamps; order is by name.
 */
import type { Migration } from 'kysely/migration';
import * as initial from './20261122T0900_initial';
import * as inbox from './20261122T1400_inbox';
import * as selfEvaluations from './20261122T1500_self_evaluations';
import * as reminderPauses from './20261122T1600_reminder_pauses';
import * as rankings from './20261122T1700_rankings';
import * as awards from './20261122T1800_awards';
import * as awardAnnouncements from './20261201T1800_award_announcements';
import * as guidance from './20261202T0900_guidance';
import * as deployment from './20261203T0900_deployment';
import * as scale from './20261203T1200_scale';

export const migrations: Record<string, Migration> = {
  '20261122T0900_initial': initial,
  '20261122T1400_inbox': inbox,
  '20261122T1500_self_evaluations': selfEvaluations,
  '20261122T1600_reminder_pauses': reminderPauses,
  '20261122T1700_rankings': rankings,
  '20261122T1800_awards': awards,
  '20261201T1800_award_announcements': awardAnnouncements,
  '20261202T0900_guidance': guidance,
  '20261203T0900_deployment': deployment,
  '20261203T1200_scale': scale,
};
