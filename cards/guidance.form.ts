/**
 * Guidance forms (指导意见): a judge's comment and a unit's answer, one textarea each. Field names, labels and limits
 * written once, for the cards' inputs and the server's parse; the card's input holds at most 1,000 characters
 * (https://open.feishu.cn/document/feishu-cards/card-json-v2-components/interactive-components/input: max_length
 * 1-1000), so the server agrees.
 */
import { z } from 'zod';
import { text } from '../src/platform/i18n';
import { type FieldSpec, parseForm, textField } from './forms';

export const GUIDANCE_COMMENT_FIELD = {
  name: 'guidance',
  label: text('指导意见', 'Guidance'),
  max: 1000,
  required: true,
  multiline: true,
  placeholder: text('对这份材料的意见、建议或问题', 'Your comments, suggestions or questions on it'),
  empty: text('请填写指导意见后再发送', 'Write the comment before sending it'),
} as const satisfies FieldSpec;

export const GUIDANCE_ANSWER_FIELD = {
  name: 'answer',
  label: text('单位回复', "The unit's answer"),
  max: 1000,
  required: true,
  multiline: true,
  placeholder: text('对评委意见的回复或说明', "Your answer to the judge's comment"),
  empty: text('请填写回复内容后再提交', 'Write the answer before submitting it'),
} as const satisfies FieldSpec;

/** The two submit buttons of the comment form: ask the unit to answer (请回复), or not. */
export const SEND_ASKING = 'send_ask';
export const SEND_PLAIN = 'send_plain';

const commentForm = z
  .object({ [GUIDANCE_COMMENT_FIELD.name]: textField(GUIDANCE_COMMENT_FIELD) })
  .transform((v) => v[GUIDANCE_COMMENT_FIELD.name] as string);
const answerForm = z
  .object({ [GUIDANCE_ANSWER_FIELD.name]: textField(GUIDANCE_ANSWER_FIELD) })
  .transform((v) => v[GUIDANCE_ANSWER_FIELD.name] as string);

/** The comment as the server keeps it (trimmed, control characters removed), or every problem. */
export const parseComment = (raw: Readonly<Record<string, unknown>>) => parseForm(commentForm, raw);
/** The answer as the server keeps it, or every problem. */
export const parseAnswer = (raw: Readonly<Record<string, unknown>>) => parseForm(answerForm, raw);
