/**
 * How units and tracks are named back to people (黄浦区城管执法局（HP） / 黄浦 (HP), T02 法治建设 / T02 Rule of law), how lists
 * of texts are joined, and what to say when a name typed in a command matches none or several.
 */
import { echo, text, type Text } from '../platform/i18n';
import type { Match } from './scope-matcher';

/** The units and tracks of the competition, as far as naming them goes. */
export interface ScopeNames {
  units: ReadonlyArray<{ code: string; name: string; shortName: string; aliases: readonly string[] }>;
  tracks: ReadonlyArray<{ code: string; name: string; nameEn: string }>;
}

export function unitText(names: ScopeNames, code: string): Text {
  const u = names.units.find((x) => x.code === code);
  return u ? text(`${u.name}（${code}）`, `${u.shortName} (${code})`) : text(code, code);
}

export function trackText(names: ScopeNames, code: string): Text {
  const t = names.tracks.find((x) => x.code === code);
  return t ? text(`${code} ${t.name}`, `${code} ${t.nameEn}`) : text(code, code);
}

export const joinTexts = (parts: readonly Text[], zhSep = '、', enSep = ', '): Text =>
  text(parts.map((p) => p.zh).join(zhSep), parts.map((p) => p.en).join(enSep));

export const lines = (parts: readonly Text[]): Text => joinTexts(parts, '\n', '\n');

/** Why a unit or track name did not resolve, with the candidates (or, when nothing is close, every choice). */
export function matchProblem<T extends { code: string }>(
  m: Exclude<Match<T>, { kind: 'one' }>,
  what: Text,
  describe: (item: T) => Text,
  all: readonly T[],
): Text {
  const q = echo(m.query);
  if (m.kind === 'many') {
    const list = joinTexts(m.candidates.map(describe));
    return text(
      `「${q}」可能是：${list.zh}。请写得更具体些，或写代码（如 ${m.candidates[0]!.code}）。`,
      `"${q}" could be: ${list.en}. Be more specific, or use the code (e.g. ${m.candidates[0]!.code}).`,
    );
  }
  const list = joinTexts(all.map(describe));
  return text(
    `没有找到「${q}」对应的${what.zh}。可选：${list.zh}。`,
    `No ${what.en} matches "${q}". Choose from: ${list.en}.`,
  );
}

export const unitChoice = (names: ScopeNames) => (u: { code: string }) => {
  const unit = names.units.find((x) => x.code === u.code);
  return unit ? text(`${unit.shortName}（${u.code}）`, `${unit.shortName} (${u.code})`) : text(u.code, u.code);
};
export const trackChoice = (names: ScopeNames) => (t: { code: string }) => trackText(names, t.code);
