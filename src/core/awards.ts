/**
 * The vocabulary of awards that several features speak (the award process, the materials reminders, the records
 * export) and the cards show: the kinds and the statuses, with their names in both languages.
 */
import { text, type Text } from '../platform/i18n';

export type AwardKind = 'collective' | 'individual';
export type AwardStatus =
  | 'nominated'
  | 'allocated'
  | 'materials_submitted'
  | 'approved'
  | 'rejected'
  | 'withdrawn'
  | 'declined';

export const KIND_NAME: Record<AwardKind, Text> = {
  collective: text('先进集体', 'Advanced collective'),
  individual: text('先进个人', 'Advanced individual'),
};

export const STATUS_NAME: Record<AwardStatus, Text> = {
  nominated: text('已提名，待竞赛办确认', 'nominated, awaiting the office'),
  allocated: text('名额已确认，待单位报送材料', 'place confirmed, awaiting the unit’s materials'),
  materials_submitted: text('材料已报送，待领导小组审定', 'materials in, awaiting the leadership'),
  approved: text('已审定通过', 'approved'),
  rejected: text('未通过审定', 'not approved'),
  withdrawn: text('已撤回', 'withdrawn'),
  declined: text('竞赛办未确认', 'declined by the office'),
};
