/**
 * Ranking and summary cards, built to read well on a phone: a short headline, a chart where a picture says more
 * than a table, then a table (ten rows a page on the client, the first column kept in view). Long lists are cut into
 * pages that fit Lark's size limit (fitCard), with buttons for the next page. Project names are what people typed:
 * they only appear in table cells and plain text, never as markup.
 */
import type { ActionValue } from './actions';
import { text, type Text } from '../src/platform/i18n';
import {
  button,
  buttonRow,
  capped,
  card,
  chart,
  divider,
  fitCard,
  fitsBudget,
  markdown,
  md,
  plain,
  table,
  TABLE_MAX_COLUMNS,
  userText,
  type Card,
  type Element,
} from './kit';
import type { PeriodTally } from '../src/core/periods';
import { UNIT_REPORT_COLUMNS } from './reports';

export interface TrackRef {
  code: string;
  name: string;
  nameEn: string;
}

/** Published: a version (and, for one track, its snapshot's hash); live: computed now, not published. */
export type RankingMode =
  | { kind: 'published'; version: number; publishedOn: string; hash?: string }
  | { kind: 'live'; asOf: string };

export interface RankRow {
  rank: number;
  code: string;
  name: string;
  unitName: string;
  /** 100 + 20·z̄ */
  score: number;
  rawMean: number;
  judges: number;
  inQuota: boolean;
  closeCall: boolean;
}

/** Rows a page holds at most; fewer when the card would pass the size budget. */
export const RANK_PAGE = 100;

const row = buttonRow;

function modeLine(mode: RankingMode): Text {
  return mode.kind === 'published'
    ? text(
        `第 ${mode.version} 版，${mode.publishedOn} 发布${mode.hash ? ` · 校验哈希 ${mode.hash.slice(0, 12)}…` : ''}`,
        `Version ${mode.version}, published ${mode.publishedOn}${mode.hash ? ` · hash ${mode.hash.slice(0, 12)}…` : ''}`,
      )
    : text(
        `**实时排名，尚未发布** （截至 ${mode.asOf}）。仅你可见；评分截止并由竞赛办发布前可能变化，请勿转发。`,
        `**Live standings, not published** (as of ${mode.asOf}). For you only; they may change until scoring closes and the office publishes. Do not forward.`,
      );
}

/** The method in one paragraph, on the first page of a track's ranking. */
export const METHOD_NOTE = text(
  '**怎么算** ：每位评委的加权总分（满分 100）先在本赛道内标准化（减去该评委的平均分，再除以其总体标准差），消除宽严差异；每个项目取各评委标准分的平均（计入标准分的评委有 5 位及以上时，去掉一个最高、一个最低；给所有项目同分的评委没有标准分，只计入原始均分），显示为 100 + 20 × 平均值。原始均分是加权总分的平均，仅供参考，不跨赛道比较。同分时依次比：标准分、原始均分、标准分中位数、评委人数。 **复议** ：按评委重抽样 1000 次，进入名额的比例在 20%–80% 之间，或与名额线另一侧的项目完全同分。',
  "**How**: each judge's weighted totals (out of 100) are standardised within the track (minus that judge's mean, divided by the population standard deviation of their totals), which removes lenient and harsh judges' bias; a project's value is the mean of its judges' standardised scores (dropping the highest and the lowest when 5 or more judges' standardised scores count; a judge who gave every project the same total has none and counts in the raw mean only), shown as 100 + 20 × mean. The raw mean of the weighted totals is shown for reference and never compared across tracks. Ties are broken by the standardised score, then the raw mean, the median standardised score and the number of judges. **复议 (review)**: in 1,000 resamples of the judges the project lands inside the quota between 20% and 80% of the time, or it is exactly tied with a project on the other side of the line.",
);

function scoreChart(rows: readonly RankRow[]): Element {
  const top = rows.slice(0, 15);
  const low = Math.min(...top.map((r) => r.score));
  return chart({
    type: 'bar',
    data: [
      {
        id: 'scores',
        values: top.map((r) => ({
          label: `${r.rank} ${r.unitName}`,
          score: Math.round(r.score * 10) / 10,
          group: r.inQuota ? '名额内 Within quota' : '名额外 Outside',
        })),
      },
    ],
    xField: 'label',
    yField: 'score',
    seriesField: 'group',
    title: { visible: true, text: '标准分（前 15）Standardised score, top 15' },
    legends: { visible: true, orient: 'bottom' },
    label: { visible: true },
    // Standardised scores sit around 100: a baseline below the lowest makes the differences visible.
    axes: [
      { orient: 'left', type: 'linear', min: Math.max(0, Math.floor((low - 10) / 10) * 10) },
      { orient: 'bottom', type: 'band' },
    ],
  });
}

const RANK_COLUMNS = [
  { name: 'rank', header: '名次 #', type: 'number' as const },
  { name: 'project', header: '项目 Project', type: 'text' as const },
  { name: 'score', header: '标准分 Score', type: 'number' as const, precision: 1 },
  { name: 'raw', header: '原始均分 Raw mean', type: 'number' as const, precision: 1 },
  { name: 'judges', header: '评委 Judges', type: 'number' as const },
  { name: 'flags', header: '标记 Flags', type: 'text' as const },
  { name: 'unit', header: '单位 Unit', type: 'text' as const },
];

/** 名额内 (inside the quota) and 复议 (close call, for the panel to review). */
const flags = (r: { inQuota: boolean; closeCall: boolean }) =>
  [r.inQuota ? '名额内' : '', r.closeCall ? '复议' : ''].filter(Boolean).join(' ');

const rankCells = (r: RankRow) => ({
  rank: r.rank,
  project: `${r.code} ${r.name}`,
  score: Math.round(r.score * 10) / 10,
  raw: Math.round(r.rawMean * 10) / 10,
  judges: r.judges,
  flags: flags(r),
  unit: r.unitName,
});

/** One track's ranking, a page of it from `offset`. */
export function trackRankingCard(view: {
  track: TrackRef;
  mode: RankingMode;
  quota: number;
  /** Every ranked project, by rank. */
  rows: readonly RankRow[];
  /** Projects no judge's sheet counts for: listed after the ranking. */
  unscored: ReadonlyArray<{ code: string; name: string }>;
  /** Judges whose totals were all equal: they count in the raw mean only. */
  flatJudges: number;
  offset: number;
  page: (offset: number) => ActionValue;
  overview?: ActionValue;
}): Card {
  const total = view.rows.length;
  const closeCalls = view.rows.filter((r) => r.closeCall).length;
  const build = (n: number): Card => {
    const shown = view.rows.slice(view.offset, view.offset + n);
    const last = view.offset + n >= total;
    const elements: Element[] = [
      markdown(modeLine(view.mode)),
      markdown(
        text(
          `${total} 个项目参与排名，名额 **${view.quota}** ，复议 **${closeCalls}** 个${view.unscored.length ? `，${view.unscored.length} 个尚无有效评分` : ''}。${view.flatJudges ? `\n有 ${view.flatJudges} 位评委给所有项目同分，只计入原始均分。` : ''}`,
          `${total} projects ranked, quota **${view.quota}**, **${closeCalls}** for review (复议)${view.unscored.length ? `, ${view.unscored.length} without a counted score` : ''}.${view.flatJudges ? `\n${view.flatJudges} judge(s) gave every project the same total: counted in the raw mean only.` : ''}`,
        ),
      ),
    ];
    if (view.offset === 0 && total > 1) elements.push(scoreChart(view.rows));
    if (shown.length) elements.push(table(RANK_COLUMNS, shown.map(rankCells)));
    if (last && view.unscored.length) {
      const names = view.unscored.map((u) => `${u.code} ${u.name}`);
      elements.push(
        markdown(text(`**未评分** （${names.length} 个）：`, `**Not scored** (${names.length}):`)),
        userText(capped(names, 30, '；', (k) => ` … +${k}`)),
      );
    }
    if (view.offset === 0) elements.push(divider(), markdown(METHOD_NOTE));
    const nav: Element[] = [];
    if (view.offset > 0) nav.push(button(text('上一页', 'Previous'), view.page(Math.max(0, view.offset - RANK_PAGE))));
    if (!last)
      nav.push(
        button(
          text(`下一页（${view.offset + n + 1}-）`, `Next (${view.offset + n + 1}-)`),
          view.page(view.offset + n),
          'primary',
        ),
      );
    if (view.overview) nav.push(button(text('各赛道总览', 'All tracks'), view.overview));
    if (total > n || view.offset > 0)
      elements.push(
        markdown(
          text(
            `第 ${view.offset + 1}-${view.offset + shown.length} 名，共 ${total} 名`,
            `Ranks ${view.offset + 1}-${view.offset + shown.length} of ${total}`,
          ),
        ),
      );
    if (nav.length) elements.push(row(nav));
    const title =
      view.mode.kind === 'published'
        ? text(`排行 · ${view.track.code} ${view.track.name}`, `Ranking · ${view.track.code} ${view.track.nameEn}`)
        : text(
            `实时排名（未发布）· ${view.track.code} ${view.track.name}`,
            `Live standings (unpublished) · ${view.track.code} ${view.track.nameEn}`,
          );
    const c = card({ title, template: view.mode.kind === 'published' ? 'green' : 'orange', elements });
    // Unpublished standings stay in the one-to-one chat they were sent to.
    return view.mode.kind === 'live' ? { ...c, config: { ...c.config, enable_forward: false } } : c;
  };
  return fitCard(build, Math.min(RANK_PAGE, Math.max(0, total - view.offset))).card;
}

export interface TrackSummary extends TrackRef {
  ranked: number;
  quota: number;
  closeCalls: number;
  /** The projects inside the quota, by rank. */
  inQuota: ReadonlyArray<{ rank: number; code: string; name: string; unitName: string; closeCall: boolean }>;
}

export interface CrossRow {
  position: number;
  trackCode: string;
  code: string;
  name: string;
  unitName: string;
  percentile: number;
  rank: number;
  of: number;
  inQuota: boolean;
  closeCall: boolean;
}

export interface UnitRow {
  unitName: string;
  meanPercentile: number | null;
  ranked: number;
  inQuota: number;
  closeCalls: number;
}

const CROSS_COLUMNS = [
  { name: 'position', header: '位次 #', type: 'number' as const },
  { name: 'project', header: '项目 Project', type: 'text' as const },
  { name: 'percentile', header: '赛道内百分位 Percentile', type: 'number' as const, precision: 1 },
  { name: 'rank', header: '赛道名次 Rank', type: 'text' as const },
  { name: 'flags', header: '标记 Flags', type: 'text' as const },
  { name: 'unit', header: '单位 Unit', type: 'text' as const },
];

/**
 * Every track at a glance and the cross-track list by within-track percentile (never raw scores across tracks): the
 * units' mean percentile as a chart, each track's projects inside its quota, and the list, a page from `offset`.
 */
export function rankingsOverviewCard(view: {
  mode: RankingMode;
  tracks: readonly TrackSummary[];
  units: readonly UnitRow[];
  entries: readonly CrossRow[];
  offset: number;
  page: (offset: number) => ActionValue;
  trackAction: (track: string) => ActionValue;
}): Card {
  const total = view.entries.length;
  const build = (n: number, lists: boolean): Card => {
    const shown = view.entries.slice(view.offset, view.offset + n);
    const first = view.offset === 0;
    const elements: Element[] = [markdown(modeLine(view.mode))];
    if (first) {
      const closeCalls = view.tracks.reduce((k, t) => k + t.closeCalls, 0);
      elements.push(
        markdown(
          text(
            `${view.tracks.length} 个赛道，${total} 个项目参与排名，复议 **${closeCalls}** 个。跨赛道只比较各项目在本赛道内的百分位，不比较分数。`,
            `${view.tracks.length} tracks, ${total} projects ranked, **${closeCalls}** for review (复议). Across tracks only each project's percentile within its own track is compared, never scores.`,
          ),
        ),
      );
      const ranked = view.units.filter((u) => u.meanPercentile !== null);
      if (ranked.length > 1) {
        elements.push(
          chart(
            {
              type: 'bar',
              data: [
                {
                  id: 'units',
                  values: ranked.map((u) => ({
                    unit: u.unitName,
                    percentile: Math.round(u.meanPercentile! * 10) / 10,
                  })),
                },
              ],
              xField: 'unit',
              yField: 'percentile',
              title: { visible: true, text: '各单位项目的平均赛道内百分位 Mean within-track percentile per unit' },
              axes: [
                { orient: 'left', type: 'linear', min: 0, max: 100 },
                { orient: 'bottom', type: 'band' },
              ],
            },
            '16:9',
          ),
        );
      }
      for (const t of view.tracks) {
        // Who is inside each quota, when it fits; otherwise (very many tracks or big quotas) the counts only. The names
        // (typed) are written once, on a plain line of their own.
        elements.push(
          plain(
            text(
              `${t.code} ${t.name}（名额 ${t.quota}，${t.ranked} 个参评，复议 ${t.closeCalls}）`,
              `${t.code} ${t.nameEn} (quota ${t.quota}, ${t.ranked} ranked, ${t.closeCalls} for review)`,
            ),
          ),
        );
        if (lists && t.inQuota.length)
          elements.push(
            userText(
              capped(
                t.inQuota.map((p) => `${p.rank}. ${p.code} ${p.name} · ${p.unitName}${p.closeCall ? ' · 复议' : ''}`),
                10,
                '\n',
                (k) => `\n… +${k}`,
              ),
            ),
          );
      }
    }
    if (shown.length) {
      elements.push(
        table(
          CROSS_COLUMNS,
          shown.map((e) => ({
            position: e.position,
            project: `${e.code} ${e.name}`,
            percentile: Math.round(e.percentile * 10) / 10,
            rank: `${e.trackCode} ${e.rank}/${e.of}`,
            flags: flags(e),
            unit: e.unitName,
          })),
        ),
      );
    }
    if (total > n || view.offset > 0)
      elements.push(
        markdown(
          text(
            `第 ${view.offset + 1}-${view.offset + shown.length} 个，共 ${total} 个`,
            `${view.offset + 1}-${view.offset + shown.length} of ${total}`,
          ),
        ),
      );
    const nav: Element[] = [];
    if (view.offset > 0) nav.push(button(text('上一页', 'Previous'), view.page(Math.max(0, view.offset - RANK_PAGE))));
    if (view.offset + n < total) nav.push(button(text('下一页', 'Next'), view.page(view.offset + n), 'primary'));
    if (nav.length) elements.push(row(nav));
    if (first && view.tracks.length) {
      elements.push(divider(), markdown(text('**各赛道排行**', '**Each track**')));
      // Four buttons a row keep the row inside a phone's width.
      for (let i = 0; i < view.tracks.length; i += 4)
        elements.push(
          row(view.tracks.slice(i, i + 4).map((t) => button(text(t.code, t.code), view.trackAction(t.code)))),
        );
    }
    const title =
      view.mode.kind === 'published'
        ? text('排行总览', 'Rankings overview')
        : text('实时排名总览（未发布）', 'Live standings overview (unpublished)');
    const c = card({ title, template: view.mode.kind === 'published' ? 'green' : 'orange', elements });
    return view.mode.kind === 'live' ? { ...c, config: { ...c.config, enable_forward: false } } : c;
  };
  const max = Math.min(RANK_PAGE, Math.max(0, total - view.offset));
  const withLists = fitCard((n) => build(n, true), max);
  return fitsBudget(withLists.card) ? withLists.card : fitCard((n) => build(n, false), max).card;
}

export interface ParticipationView {
  kind: 'registration' | 'implementation' | 'judging';
  /** e.g. 实施推进 (2024-04-16 ~ 2024-10-31) */
  stage: Text;
  tracks: readonly TrackRef[];
  /** Active projects per unit (short name) and track, in the file's orders. */
  registrations: {
    rows: ReadonlyArray<{ unitName: string; byTrack: readonly number[]; total: number }>;
    trackTotals: readonly number[];
    total: number;
    unitsWithout: readonly string[];
  };
  /** The latest period already due (or the open one), with its tallies. */
  reports?: {
    periodName: Text;
    due: string;
    total: PeriodTally;
    byUnit: ReadonlyArray<{ unitName: string; tally: PeriodTally }>;
    byTrack: ReadonlyArray<{ track: TrackRef; tally: PeriodTally }>;
  };
  /** Sheets submitted (scored or recused) against those expected, per track: counts, never scores. */
  judging?: {
    closes: string;
    byTrack: ReadonlyArray<{ track: TrackRef; judges: number; done: number; expected: number }>;
  };
  /** Why no score is shown (before publication), when someone asked for rankings. */
  note?: Text;
}

const pct = (x: number) => `${Math.round(100 * x)}%`;
const tallyLine = (t: PeriodTally): Text =>
  text(
    `按时 ${t.onTime} · 逾期补报 ${t.late} · 缺报 ${t.missing}${t.pending ? ` · 待报 ${t.pending}` : ''}`,
    `on time ${t.onTime} · late ${t.late} · missing ${t.missing}${t.pending ? ` · to come ${t.pending}` : ''}`,
  );

/**
 * Participation and punctuality, never a score: what the scheduled digest posts until the rankings are published,
 * and what `排行` shows where scores may not be shown.
 */
export function participationCard(view: ParticipationView): Card {
  const units = Math.max(view.registrations.rows.length, view.reports?.byUnit.length ?? 0);
  // A competition of many units would overflow the card: the unit tables then list as many as fit, and say so.
  return fitCard((n) => participationPage(view, n), units).card;
}

function participationPage(view: ParticipationView, maxUnits: number): Card {
  const r = view.registrations;
  // A table holds 50 columns: the unit, the total and at most 48 tracks.
  const columnTracks = view.tracks.slice(0, TABLE_MAX_COLUMNS - 2);
  const units = r.rows.length;
  const cut = (shown: number, all: number): Element[] =>
    shown < all
      ? [
          markdown(
            text(
              `（表中只列出前 ${shown} 个单位，共 ${all} 个）`,
              `(The table lists the first ${shown} of ${all} units.)`,
            ),
          ),
        ]
      : [];
  const elements: Element[] = [
    markdown(
      text(
        `当前阶段：${md(view.stage.zh)}。共 **${r.total}** 个项目，${units - r.unitsWithout.length}/${units} 个单位已报名。`,
        `Stage: ${md(view.stage.en)}. **${r.total}** projects; ${units - r.unitsWithout.length} of ${units} units have registered.`,
      ),
    ),
  ];
  if (view.note) elements.push(markdown(view.note));
  if (view.kind === 'registration') {
    elements.push(
      chart({
        type: 'bar',
        data: [
          { id: 'tracks', values: view.tracks.map((t, i) => ({ track: t.code, projects: r.trackTotals[i] ?? 0 })) },
        ],
        xField: 'track',
        yField: 'projects',
        title: { visible: true, text: '各赛道报名项目数 Projects per track' },
        label: { visible: true },
      }),
      table(
        [
          { name: 'unit', header: '单位 Unit', type: 'text' },
          ...columnTracks.map((t, i) => ({ name: `t${i}`, header: t.code, type: 'number' as const })),
          { name: 'total', header: '合计 Total', type: 'number' },
        ],
        [
          ...r.rows.slice(0, maxUnits).map((u) => ({
            unit: u.unitName,
            ...Object.fromEntries(u.byTrack.slice(0, columnTracks.length).map((n, i) => [`t${i}`, n])),
            total: u.total,
          })),
          {
            unit: '合计 Total',
            ...Object.fromEntries(r.trackTotals.slice(0, columnTracks.length).map((n, i) => [`t${i}`, n])),
            total: r.total,
          },
        ],
      ),
      ...cut(Math.min(maxUnits, units), units),
      ...(columnTracks.length < view.tracks.length
        ? [
            markdown(
              text(
                `（表中列出前 ${columnTracks.length} 个赛道，共 ${view.tracks.length} 个；合计含全部赛道）`,
                `(The table has the first ${columnTracks.length} of ${view.tracks.length} tracks; totals cover them all.)`,
              ),
            ),
          ]
        : []),
      markdown(
        r.unitsWithout.length
          ? text(
              `**尚未报名（${r.unitsWithout.length}）** ：${capped(r.unitsWithout.map(md), 60, '、', (k) => ` 等，另有 ${k} 个`)}`,
              `**No project yet (${r.unitsWithout.length})**: ${capped(r.unitsWithout.map(md), 60, ', ', (k) => ` and ${k} more`)}`,
            )
          : text('所有单位都已报名。', 'Every unit has registered.'),
      ),
    );
  }
  if (view.reports) {
    const p = view.reports;
    elements.push(
      divider(),
      markdown(
        text(
          `**${md(p.periodName.zh)}** （${p.due} 截止）：${tallyLine(p.total).zh}${p.total.owed ? `，按时率 **${pct(p.total.onTimeShare)}** ` : ''}。`,
          `**${md(p.periodName.en)}** (due ${p.due}): ${tallyLine(p.total).en}${p.total.owed ? `; on-time share **${pct(p.total.onTimeShare)}**` : ''}.`,
        ),
      ),
      chart({
        type: 'bar',
        data: [
          {
            id: 'punctuality',
            values: p.byTrack.flatMap(({ track, tally }) => [
              { track: track.code, state: '按时 On time', n: tally.onTime },
              { track: track.code, state: '逾期 Late', n: tally.late },
              { track: track.code, state: '缺报 Missing', n: tally.missing },
            ]),
          },
        ],
        xField: 'track',
        yField: 'n',
        seriesField: 'state',
        stack: true,
        title: { visible: true, text: '各赛道报告情况 Reports per track' },
        legends: { visible: true, orient: 'bottom' },
      }),
      table(
        UNIT_REPORT_COLUMNS,
        p.byUnit.slice(0, maxUnits).map((u) => ({
          unit: u.unitName,
          on_time: u.tally.onTime,
          late: u.tally.late,
          missing: u.tally.missing,
          share: u.tally.owed ? pct(u.tally.onTimeShare) : '—',
        })),
      ),
      ...cut(Math.min(maxUnits, p.byUnit.length), p.byUnit.length),
    );
  }
  if (view.judging) {
    const j = view.judging;
    const done = j.byTrack.reduce((n, t) => n + t.done, 0);
    const expected = j.byTrack.reduce((n, t) => n + t.expected, 0);
    elements.push(
      divider(),
      markdown(
        text(
          `**评分进度** ：${done}/${expected}（评分截止 ${j.closes}）。排行在评分截止、竞赛办发布后公布，之前不显示任何分数。`,
          `**Judging progress**: ${done} of ${expected} sheets (scoring closes ${j.closes}). Rankings are shown once scoring has closed and the office publishes them; no score is shown before.`,
        ),
      ),
      table(
        [
          { name: 'track', header: '赛道 Track', type: 'text' },
          { name: 'judges', header: '评委 Judges', type: 'number' },
          { name: 'done', header: '已完成 Done', type: 'number' },
          { name: 'expected', header: '应完成 Expected', type: 'number' },
          { name: 'share', header: '进度 Progress', type: 'text' },
        ],
        j.byTrack.map((t) => ({
          track: `${t.track.code} ${t.track.name}`,
          judges: t.judges,
          done: t.done,
          expected: t.expected,
          share: t.expected ? pct(t.done / t.expected) : '—',
        })),
      ),
    );
  }
  const title = {
    registration: text('报名情况', 'Registrations'),
    implementation: text('进展情况', 'Reporting'),
    judging: text('评比进展', 'Evaluation progress'),
  }[view.kind];
  return card({
    title: text(`赛事简报 · ${title.zh}`, `Competition digest · ${title.en}`),
    template: 'indigo',
    elements,
  });
}

/**
 * The office's receipt for 发布排行, what needs the office's attention first: tracks with projects but no counted
 * judge, then tracks with projects left unranked or sheets not counted, then the tracks that are fine; tracks with no
 * project at all on one line.
 */
export function publishedCard(view: {
  version: number;
  tracks: ReadonlyArray<{
    track: TrackRef;
    ranked: number;
    projects: number;
    judges: number;
    closeCalls: number;
    hash: string;
    skipped: number;
  }>;
  posted?: string | null;
  verified: boolean;
}): Card {
  const line = (t: (typeof view.tracks)[number]) => ({
    zh: `${t.track.code} ${t.track.name}：${t.ranked}/${t.projects} 个项目排名，${t.judges} 位评委，复议 ${t.closeCalls}，哈希 ${t.hash.slice(0, 12)}…${t.skipped ? `（${t.skipped} 份评分未计入：评委已解除或评分不完整）` : ''}`,
    en: `${t.track.code} ${t.track.nameEn}: ${t.ranked} of ${t.projects} ranked, ${t.judges} judge(s), ${t.closeCalls} for review, hash ${t.hash.slice(0, 12)}…${t.skipped ? ` (${t.skipped} sheet(s) not counted: judge removed or sheet incomplete)` : ''}`,
  });
  const withProjects = view.tracks.filter((t) => t.projects > 0);
  const noJudge = withProjects.filter((t) => t.judges === 0);
  const incomplete = withProjects.filter((t) => t.judges > 0 && (t.ranked < t.projects || t.skipped > 0));
  const fine = withProjects.filter((t) => t.judges > 0 && t.ranked === t.projects && t.skipped === 0);
  const empty = view.tracks.filter((t) => t.projects === 0);
  const block = (ts: readonly (typeof view.tracks)[number][]) =>
    plain(text(ts.map((t) => line(t).zh).join('\n'), ts.map((t) => line(t).en).join('\n')));
  const attention: Element[] = [];
  if (noJudge.length) {
    attention.push(
      markdown(
        text(
          `⚠️ **没有评委评分的赛道（${noJudge.length}）** ：这些赛道有项目，但没有一份评分计入，无法排名。请安排评委（「评委 @某人 赛道」）并在评分截止前完成，再发布一次。`,
          `⚠️ **Tracks no judge scored (${noJudge.length})**: they have projects but not one counted sheet, so nothing is ranked. Assign judges ("judge @someone <track>") and have them score, then publish again.`,
        ),
      ),
      block(noJudge),
    );
  }
  if (incomplete.length) {
    attention.push(
      markdown(
        text(
          `⚠️ **有项目未排名或评分未计入的赛道（${incomplete.length}）**`,
          `⚠️ **Tracks with unranked projects or sheets not counted (${incomplete.length})**`,
        ),
      ),
      block(incomplete),
    );
  }
  // The group's name is what someone typed in Lark: plain text, once, on its own line.
  const where: Element[] =
    view.posted === undefined
      ? [
          markdown(
            text(
              '还没有通知群：在要发布的群里 @我 发送「设为通知群」，然后再发布一次。',
              'There is no announcement group: @mention me with "announce here" in the group, then publish again.',
            ),
          ),
        ]
      : [
          markdown(
            text(
              view.posted ? '摘要已发送到通知群：' : '摘要已发送到通知群。',
              view.posted
                ? 'The summary was posted to the announcement group:'
                : 'The summary was posted to the announcement group.',
            ),
          ),
          ...(view.posted ? [userText(view.posted)] : []),
        ];
  return card({
    title: text(`已发布第 ${view.version} 版排行`, `Rankings published (version ${view.version})`),
    template: 'green',
    elements: [
      ...attention,
      ...(fine.length
        ? [markdown(text(`**已排名的赛道（${fine.length}）**`, `**Tracks ranked (${fine.length})**`)), block(fine)]
        : []),
      ...(empty.length
        ? [
            plain(
              text(
                `没有项目的赛道：${empty.map((t) => t.track.code).join('、')}`,
                `Tracks with no project: ${empty.map((t) => t.track.code).join(', ')}`,
              ),
            ),
          ]
        : []),
      markdown(
        text(
          `每个赛道的输入、参数（含随机种子）、结果和哈希都已冻结保存，${view.verified ? '并已重算核验一致' : '但重算核验未通过，请联系维护人员'}；哈希已记入审计日志。旧版本保留。`,
          `Each track's inputs, parameters (with the seed), results and hash are frozen${view.verified ? ' and were recomputed to the same results' : ', but recomputing them did not give the same results: tell the maintainers'}; the hashes are in the audit log. Earlier versions are kept.`,
        ),
      ),
      ...where,
      button(text('查看总览', 'See the overview'), { a: 'rank.overview', v: view.version, o: 0 }, 'primary'),
    ],
  });
}
