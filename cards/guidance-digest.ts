/**
 * A judge's daily card (评审动态): what is new in their tracks since their last card, one block per project: its code
 * and name as typed (plain text, once), what came per period in our words, and a button to the project's timeline,
 * where the judge reads it and writes guidance. As many projects as the card holds, and how many more there are.
 */
import { text, type Text } from '../src/platform/i18n';
import { button, card, divider, fitCard, markdown, md, userText, type Card, type Element } from './kit';

export interface DigestRevision {
  /** The latest revision that came. */
  revision: number;
  /** Whether the first revision (a new report, not a change) was among what came. */
  first: boolean;
}

export interface JudgeDigestPeriod {
  /** The period's name from the competition file. */
  name: Text;
  report?: DigestRevision;
  selfEvaluation?: DigestRevision;
  /** Answers to guidance comments on this period, and how many answer the reader's own comments. */
  answers?: { count: number; toYou: number };
}

export interface JudgeDigestView {
  /** The local day of the card. */
  day: string;
  /** Local date and time the card covers from. */
  since: string;
  /** The reader's tracks (names from the competition file). */
  tracks: ReadonlyArray<{ code: string; name: string; nameEn: string }>;
  projects: ReadonlyArray<{
    id: string;
    code: string;
    /** The project's name as typed. */
    name: string;
    trackCode: string;
    periods: readonly JudgeDigestPeriod[];
  }>;
}

const revisionText = (what: Text, r: DigestRevision): Text =>
  r.first
    ? r.revision > 1
      ? text(`新${what.zh}（已改至第 ${r.revision} 版）`, `new ${what.en} (revised to version ${r.revision})`)
      : text(`新${what.zh}`, `new ${what.en}`)
    : text(`${what.zh}修改（第 ${r.revision} 版）`, `${what.en} revised (version ${r.revision})`);

function periodLine(p: JudgeDigestPeriod): Text {
  const parts: Text[] = [];
  if (p.report) parts.push(revisionText(text('报告', 'report'), p.report));
  if (p.selfEvaluation) parts.push(revisionText(text('自评', 'self-evaluation'), p.selfEvaluation));
  if (p.answers)
    parts.push(
      p.answers.toYou
        ? text(
            `${p.answers.count} 条指导意见回复（其中 ${p.answers.toYou} 条回复你的意见）`,
            `${p.answers.count} ${p.answers.count > 1 ? 'answers' : 'answer'} to guidance (${p.answers.toYou} to yours)`,
          )
        : text(
            `${p.answers.count} 条指导意见回复`,
            `${p.answers.count} ${p.answers.count > 1 ? 'answers' : 'answer'} to guidance`,
          ),
    );
  return text(
    `· ${md(p.name.zh)}：${parts.map((x) => x.zh).join('；')}`,
    `· ${md(p.name.en)}: ${parts.map((x) => x.en).join('; ')}`,
  );
}

export function judgeDigestCard(view: JudgeDigestView): Card {
  const total = view.projects.length;
  const count = (kind: 'report' | 'selfEvaluation' | 'answers') =>
    view.projects.reduce(
      (n, p) => n + p.periods.reduce((m, x) => m + (kind === 'answers' ? (x.answers?.count ?? 0) : x[kind] ? 1 : 0), 0),
      0,
    );
  const reports = count('report');
  const selfs = count('selfEvaluation');
  const answers = count('answers');
  const tracks = text(
    view.tracks.map((t) => `${t.code} ${md(t.name)}`).join('、'),
    view.tracks.map((t) => `${t.code} ${md(t.nameEn)}`).join(', '),
  );
  const build = (n: number): Card => {
    const elements: Element[] = [
      markdown(
        text(
          `自 ${view.since} 以来，你评审的赛道（${tracks.zh}）有 **${total}** 个项目有新内容：报告 ${reports} 份 · 自评 ${selfs} 份 · 指导意见回复 ${answers} 条。`,
          `Since ${view.since}, **${total}** ${total > 1 ? 'projects' : 'project'} in your tracks (${tracks.en}) ${total > 1 ? 'have' : 'has'} news: ${reports} ${reports === 1 ? 'report' : 'reports'} · ${selfs} ${selfs === 1 ? 'self-evaluation' : 'self-evaluations'} · ${answers} ${answers === 1 ? 'answer' : 'answers'} to guidance.`,
        ),
      ),
    ];
    for (const p of view.projects.slice(0, n)) {
      const lines = p.periods.map(periodLine);
      elements.push(
        divider(),
        userText(`${p.code} · ${p.name}`),
        markdown(text(lines.map((l) => l.zh).join('\n'), lines.map((l) => l.en).join('\n'))),
        button(text('查看时间线', 'Open the timeline'), { a: 'rpt.history', p: p.id, n: 1 }),
      );
    }
    if (n < total)
      elements.push(
        divider(),
        markdown(
          text(
            `另有 ${total - n} 个项目有新内容未列出；发送「进展情况」查看各期情况。`,
            `${total - n} more ${total - n > 1 ? 'projects' : 'project'} with news not listed; send "reports" for each period.`,
          ),
        ),
      );
    return card({
      title: text(`评审动态 · ${view.day}`, `News in your tracks · ${view.day}`),
      template: 'turquoise',
      elements,
      summary: text(`评审动态：${total} 个项目有新内容`, `News in your tracks: ${total} projects`),
    });
  };
  return fitCard(build, total).card;
}
