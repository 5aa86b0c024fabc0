/**
 * The registration form (项目报名) and the edit form: the project's fields written once, for the card's inputs and
 * for the server's parse. Lengths are characters (code points), generous for Chinese titles and still readable on a
 * card.
 */
import { z } from 'zod';
import type { ProjectFields } from '../src/core/projects';
import { text } from '../src/platform/i18n';
import { choiceField, type FieldSpec, inputOf, memoized, parseForm, problem, textField } from './forms';
import type { Element } from './kit';

const NAME_MAX = 60;
const SUMMARY_MAX = 500;

export const PROJECT_FIELDS = {
  name: {
    name: 'name',
    label: text('项目名称', 'Project name'),
    max: NAME_MAX,
    required: true,
    shape: 'line',
    placeholder: text(`不超过 ${NAME_MAX} 字`, `Up to ${NAME_MAX} characters`),
  },
  lead: {
    name: 'lead',
    label: text('项目负责人', 'Project lead'),
    max: 30,
    required: true,
    shape: 'line',
    placeholder: text('姓名', 'Name'),
  },
  summary: {
    name: 'summary',
    label: text('项目简介', 'Summary'),
    max: SUMMARY_MAX,
    required: true,
    multiline: true,
    placeholder: text(`做什么、为什么，不超过 ${SUMMARY_MAX} 字`, `What and why, up to ${SUMMARY_MAX} characters`),
  },
  goals: {
    name: 'goals',
    label: text('目标与预期成效', 'Goals and expected results'),
    max: 1000,
    required: true,
    multiline: true,
    placeholder: text('可量化的目标和预期成效', 'Measurable goals and expected results'),
  },
  // Full-width digits (１３８…) are still a phone number.
  phone: {
    name: 'phone',
    label: text('联系电话', 'Contact phone'),
    max: 20,
    required: false,
    shape: 'nfkc',
    placeholder: text('手机或座机', 'Mobile or landline'),
  },
} as const satisfies Record<keyof ProjectFields, FieldSpec>;

/** The track select of the registration form. */
export const TRACK_FIELD = 'track';

/** A phone number as people write it: digits with optional +, spaces, dashes and brackets; 7 to 15 digits. */
export function looksLikePhone(s: string): boolean {
  if (!/^\+?[0-9 ()-]+$/.test(s)) return false;
  const digits = s.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;
}

const projectShape = {
  name: textField(PROJECT_FIELDS.name),
  lead: textField(PROJECT_FIELDS.lead),
  summary: textField(PROJECT_FIELDS.summary),
  goals: textField(PROJECT_FIELDS.goals),
  phone: textField(PROJECT_FIELDS.phone, (v, ctx) => {
    if (looksLikePhone(v)) return v;
    problem(
      ctx,
      text(
        '联系电话格式不对，请填手机号或座机号（如 13812345678 或 021-12345678）',
        'The phone number does not look right: give a mobile or landline number (e.g. 13812345678 or 021-12345678)',
      ),
    );
    return z.NEVER;
  }),
};

/** The edit form: the project's fields. */
export const projectForm = z.object(projectShape);

/** The registration form: a track the competition has, then the project's fields. */
export const registrationForm = (tracks: readonly string[]) =>
  z.object({ [TRACK_FIELD]: choiceField(tracks, text('请选择赛道', 'Choose a track')), ...projectShape });

export const parseProjectFields = (raw: Readonly<Record<string, unknown>>) =>
  parseForm<ProjectFields>(projectForm, raw);
const registrationFormOf = memoized((tracks) => registrationForm(tracks.split('\n')));
export const parseRegistration = (raw: Readonly<Record<string, unknown>>, tracks: readonly string[]) =>
  parseForm(registrationFormOf(tracks.join('\n')), raw);

/** The project's inputs, pre-filled when editing. */
export const projectInputs = (values?: ProjectFields): Element[] =>
  (Object.keys(PROJECT_FIELDS) as Array<keyof ProjectFields>).map((k) => inputOf(PROJECT_FIELDS[k], values?.[k]));
