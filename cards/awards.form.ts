/**
 * The award forms (评比表彰): a judge's nomination, the unit's materials and the leadership's decision. Field names,
 * labels and limits written once, for the card's inputs and the server's parse.
 */
import { z } from 'zod';
import { type AwardKind, KIND_NAME } from '../src/core/awards';
import { text, zhJoin } from '../src/platform/i18n';
import {
  ALWAYS,
  choiceField,
  type FieldSpec,
  inputOf,
  linksField,
  parseForm,
  passed,
  problem,
  textField,
} from './forms';
import type { Element } from './kit';

/** At most this many links to attachments with the materials. */
export const MOST_MATERIAL_LINKS = 10;

export const NOMINATION_FIELDS = {
  kind: 'kind',
  project: 'project',
  nominee: {
    name: 'nominee',
    label: text('名称或姓名', 'Name'),
    max: 30,
    required: false,
    placeholder: text(
      '先进集体可不填（默认为“项目名项目组”）；先进个人填姓名',
      'Collective: leave empty for "<project> team"; individual: the name',
    ),
  },
  title: {
    name: 'title',
    label: text('职务（先进个人）', 'Position (individuals)'),
    max: 30,
    required: false,
    placeholder: text('例如：执法科科长', 'e.g. head of the enforcement section'),
  },
  reason: {
    name: 'reason',
    label: text('推荐理由', 'Reason for the nomination'),
    max: 500,
    required: true,
    multiline: true,
    placeholder: text('比成效、比实绩、比可行性、比示范性', 'Effectiveness, results, feasibility, exemplary value'),
  },
} as const;

const N = NOMINATION_FIELDS;

export interface Nomination {
  kind: AwardKind;
  projectId: string;
  nominee: string;
  title: string;
  reason: string;
}

/**
 * A nomination of one of `projects` (the track's, the judge's own unit's excluded by the handler). A collective is the
 * project's team: its name defaults to "<project>项目组" (a space only after a Latin letter or digit). An individual
 * needs a name and a position.
 */
export const nominationForm = (projects: ReadonlyArray<{ id: string; name: string }>) =>
  z
    .object({
      [N.kind]: choiceField(
        Object.keys(KIND_NAME) as AwardKind[],
        text('请选择奖项类别（先进集体或先进个人）', 'Choose the award (advanced collective or individual)'),
      ),
      [N.project]: choiceField(
        projects.map((p) => p.id),
        text('请选择所依托的项目', 'Choose the project the nomination rests on'),
      ),
      [N.nominee.name]: textField(N.nominee),
      [N.title.name]: textField(N.title),
      [N.reason.name]: textField(N.reason),
    })
    .superRefine((v, ctx) => {
      if (passed(v.kind) !== 'individual') return;
      if (passed(v.nominee) === '') problem(ctx, text('请填写先进个人的姓名', 'Enter the individual’s name'));
      if (passed(v.title) === '') problem(ctx, text('请填写先进个人的职务', 'Enter the individual’s position'));
    }, ALWAYS)
    .transform((v): Nomination => {
      const project = projects.find((p) => p.id === v.project)!;
      return {
        kind: v.kind,
        projectId: project.id,
        nominee: v.nominee || zhJoin(project.name, '项目组'),
        title: v.kind === 'individual' ? v.title : '',
        reason: v.reason,
      };
    });

export const parseNomination = (
  raw: Readonly<Record<string, unknown>>,
  projects: ReadonlyArray<{ id: string; name: string }>,
) => parseForm(nominationForm(projects), raw);

export const nominationInputs = (): Element[] => [inputOf(N.nominee), inputOf(N.title), inputOf(N.reason)];

export const MATERIALS_FIELDS = {
  materials: {
    name: 'materials',
    label: text('事迹材料', 'Account of achievements'),
    max: 1000,
    required: true,
    multiline: true,
    placeholder: text('主要事迹、取得的成效（含数据）', 'Main achievements and results (with figures)'),
  },
  links: {
    name: 'links',
    label: text('附件链接', 'Links to attachments'),
    max: 1000,
    required: false,
    multiline: true,
    placeholder: text(
      `每行一个 http(s) 链接，最多 ${MOST_MATERIAL_LINKS} 个`,
      `One http(s) link per line, up to ${MOST_MATERIAL_LINKS}`,
    ),
  },
} as const satisfies Record<string, FieldSpec>;

export interface Materials {
  materials: string;
  links: string[];
}

export const materialsForm = z.object({
  materials: textField(MATERIALS_FIELDS.materials),
  links: linksField(
    MATERIALS_FIELDS.links,
    MOST_MATERIAL_LINKS,
    text(`附件链接最多 ${MOST_MATERIAL_LINKS} 个`, `At most ${MOST_MATERIAL_LINKS} links`),
  ),
});

export const parseMaterials = (raw: Readonly<Record<string, unknown>>) => parseForm<Materials>(materialsForm, raw);

export const materialsInputs = (prefill?: Materials): Element[] => [
  inputOf(MATERIALS_FIELDS.materials, prefill?.materials),
  inputOf(MATERIALS_FIELDS.links, prefill?.links.join('\n')),
];

export type Decision = 'approve' | 'reject';

export const DECISION_NOTE_FIELD = {
  name: 'note',
  label: text('审定意见', 'Note'),
  max: 200,
  required: false,
  placeholder: text('不通过时必填', 'Required when not approving'),
} as const satisfies FieldSpec;

/** The leadership's decision: the button says which; a rejection needs a reason. */
export const decisionForm = (decision: Decision) =>
  z
    .object({ note: textField(DECISION_NOTE_FIELD) })
    .superRefine((v, ctx) => {
      if (decision === 'reject' && passed(v.note) === '')
        problem(ctx, text('不通过时请写明原因', 'Say why when not approving'));
    })
    .transform((v) => ({ decision, note: v.note }));

const decisionForms = { approve: decisionForm('approve'), reject: decisionForm('reject') };
export const parseDecision = (decision: Decision, raw: Readonly<Record<string, unknown>>) =>
  parseForm(decisionForms[decision], raw);

export const decisionInputs = (): Element[] => [inputOf(DECISION_NOTE_FIELD)];
