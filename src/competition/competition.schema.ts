/**
 * The competition file: everything that makes one competition different from another. The JSON Schema for editors
 * (db/competitions/competition.schema.json) is generated from this schema: `npm run schema:competition`.
 */
import { z } from 'zod';
import { isValidLocalDate, isValidTimeZone } from './calendar';

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD', abort: true })
  .refine(isValidLocalDate, 'is not a real calendar date')
  .describe('A date, YYYY-MM-DD, in the competition time zone');

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time written HH:MM (24 h)');

const code = (what: string, pattern = /^[A-Za-z][A-Za-z0-9_-]{0,15}$/) =>
  z.string().regex(pattern, `${what} code must be letters, digits, - or _ (1-16, starting with a letter)`);

const name = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const openId = z.string().regex(/^ou_[A-Za-z0-9_-]{1,60}$/, 'must be an open_id (ou_…)');

export const stageSchema = z.strictObject({
  code: z.enum(['registration', 'implementation', 'evaluation']).describe('Which stage of the process this is'),
  name: name(50),
  nameEn: name(100),
  start: date,
  end: date.describe('Last day of the stage; the stage is open until the end of that day'),
});

export const aspectSchema = z.strictObject({ name: name(50), nameEn: name(100) });

export const trackSchema = z.strictObject({
  code: code('Track'),
  name: name(50),
  nameEn: name(100),
  aspects: z.array(aspectSchema).min(1, 'a track needs at least one aspect').max(6),
  department: name(100).describe('The bureau department that judges this track'),
  quota: z
    .strictObject({
      collectives: z.int().min(0).max(100),
      individuals: z.int().min(0).max(100),
    })
    .describe('Awards for this track'),
});

export const unitSchema = z.strictObject({
  code: code('Unit', /^[A-Z][A-Z0-9]{0,7}$/).describe(
    'Upper-case letters and digits; part of project codes (2024-T02-HP-1)',
  ),
  name: name(50),
  shortName: name(20),
  aliases: z.array(name(30)).max(10).default([]),
});

export const criterionSchema = z.strictObject({
  code: code('Criterion'),
  name: name(20),
  nameEn: name(50),
  weight: z.number().positive('must be greater than 0').max(100),
  max: z.int().min(1).max(1000).default(100).describe('Highest score a judge can give on this criterion'),
});

export const periodSchema = z.strictObject({
  code: code('Period', /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/),
  name: name(50),
  nameEn: name(100),
  opens: date.describe('First day a report for this period is expected'),
  due: date,
  kind: z.enum(['routine', 'midterm', 'final']).default('routine'),
  selfEvaluation: z.boolean().default(false).describe('Units also score their own projects at this point'),
});

export const reportingSchema = z.strictObject({
  monthly: z
    .strictObject({
      from: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM'),
      to: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM'),
      dueDay: z.int().min(1).max(28),
      /** When the due day is not a working day, the report is due on the working day before it. */
      dueOnWorkingDayBefore: z.boolean().default(true),
    })
    .optional(),
  periods: z
    .array(periodSchema)
    .default([])
    .describe('Check points beside the monthly reports (mid-term check, year-end summary)'),
});

export const milestoneSchema = z.strictObject({
  code: z.enum(['judging-close', 'materials-due', 'approval']),
  name: name(50),
  nameEn: name(100),
  date,
});

export const remindersSchema = z.strictObject({
  leadDays: z.array(z.int().min(1).max(60)).max(10).default([7, 3, 1]),
  onDeadlineDay: z.boolean().default(true).describe('Also remind on the morning of the deadline day'),
  sendAt: timeOfDay.default('09:30').describe('Local time at which reminders of a day go out'),
  workingHours: z.strictObject({ start: timeOfDay, end: timeOfDay }).default({ start: '09:00', end: '18:00' }),
  groupFromDaysBefore: z
    .int()
    .min(0)
    .max(30)
    .default(1)
    .describe('From this many days before, also post in the unit group'),
  escalateAfterDays: z.int().min(0).max(30).default(2).describe('Days after a deadline before the unit leader is told'),
});

export const calendarSchema = z.strictObject({
  holidays: z.array(date).default([]).describe('Days off that fall on weekdays or weekends (public holidays)'),
  workdays: z.array(date).default([]).describe('Weekend days that are working days (make-up days, 调休)'),
});

export const summariesSchema = z
  .strictObject({
    days: z
      .array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']))
      .min(1)
      .max(7)
      .default(['mon'])
      .describe('Days of the week the digest goes out'),
    at: timeOfDay.default('09:00').describe('Local time at which the digest goes out'),
    workingDaysOnly: z.boolean().default(true).describe('Skip days off (weekends and public holidays in the calendar)'),
  })
  .describe(
    'A digest posted to the announcement group on a schedule, from the start of registration to the end of evaluation: participation and punctuality (never scores) until the rankings are published, the published rankings after',
  );

export const guidanceSchema = z
  .strictObject({
    judgeDigest: z
      .strictObject({
        enabled: z.boolean().default(true),
        at: timeOfDay.default('17:00').describe('Local time at which the daily card goes out'),
        workingDaysOnly: z.boolean().default(true).describe('Skip days off (weekends and public holidays)'),
      })
      .default({ enabled: true, at: '17:00', workingDaysOnly: true })
      .describe(
        "Each judge's daily card: the new reports, self-evaluations and answers in their tracks since the last card; none when nothing is new",
      ),
    answerWithinWorkingDays: z
      .int()
      .min(1)
      .max(30)
      .default(3)
      .describe('A question (请回复) unanswered after this many working days is chased in the reminders'),
  })
  .describe("Judges' guidance on the reports (指导意见) and the units' answers");

export const attachmentsSchema = z
  .strictObject({
    maxFileMB: z
      .int()
      .min(1)
      .max(100)
      .default(20)
      .describe('Largest file or image a contact may attach (Lark lets a bot download at most 100 MB per resource)'),
    extensions: z
      .array(z.string().regex(/^[a-z0-9]{1,10}$/, 'must be a lower-case file extension without the dot'))
      .min(1)
      .max(50)
      .default(['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'jpg', 'jpeg', 'png', 'zip', 'rar', 'mp4'])
      .describe('File types a contact may attach, by extension; images sent as pictures are always accepted'),
    perItem: z
      .int()
      .min(1)
      .max(50)
      .default(10)
      .describe('Files attached to one report, self-evaluation or award at most'),
    windowMinutes: z
      .int()
      .min(1)
      .max(1440)
      .default(30)
      .describe('Files sent within this many minutes of a receipt attach to it; later ones must reply to the receipt'),
  })
  .describe('Evidence files sent to the bot in chat (资料报送): only the Lark message and resource keys are stored');

const personRole = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('office') }),
  z.strictObject({ role: z.literal('leader') }),
  z.strictObject({ role: z.literal('contact'), unit: z.string() }),
  z.strictObject({
    role: z.literal('judge'),
    track: z.string(),
    unit: z
      .string()
      .optional()
      .describe("The judge's own unit, if any: they are recused from its projects automatically"),
  }),
  z
    .strictObject({ role: z.literal('unit_leader'), unit: z.string() })
    .describe("The unit's leader: told when the unit is overdue (escalation)"),
]);

export const personSchema = z
  .strictObject({
    name: name(50).optional(),
    openId: openId.optional(),
    email: z.email('must be an e-mail address').optional(),
    mobile: z
      .string()
      .regex(/^\+?\d{6,15}$/, 'must be a phone number (digits, optional leading +)')
      .optional(),
    roles: z.array(personRole).min(1, 'a person needs at least one role'),
  })
  .refine((p) => p.openId || p.email || p.mobile, 'a person needs an openId, an email or a mobile');

export const chatSchema = z.strictObject({
  chatId: z.string().regex(/^oc_[A-Za-z0-9_-]{1,60}$/, 'must be a chat_id (oc_…)'),
  purpose: z.enum(['announcement', 'unit']),
  unit: z.string().optional(),
});

export const competitionFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lower-case letters, digits and -'),
    name: name(100),
    nameEn: name(200),
    app: z
      .string()
      .regex(/^[a-z][a-z0-9]{0,15}$/, 'must be lower-case letters and digits (1-16, starting with a letter)')
      .default('default')
      .describe(
        'The Lark app this competition speaks through: "default" is LARK_APP_ID and its siblings; another name, e.g. youth, reads LARK_YOUTH_APP_ID, LARK_YOUTH_APP_SECRET, LARK_YOUTH_VERIFICATION_TOKEN, LARK_YOUTH_ENCRYPT_KEY',
      ),
    archived: z
      .boolean()
      .default(false)
      .describe(
        'A finished competition: still readable (rankings, awards, export), sends nothing on its own, accepts no changes',
      ),
    codePrefix: z
      .string()
      .regex(/^[A-Za-z0-9]{1,8}$/)
      .describe('Starts every project code, e.g. 2024 in 2024-T02-HP-1'),
    timeZone: z.string().refine(isValidTimeZone, 'is not an IANA time zone (e.g. Asia/Shanghai)'),
    stages: z.array(stageSchema).length(3, 'needs the three stages: registration, implementation, evaluation'),
    tracks: z.array(trackSchema).min(1).max(50),
    // A province runs a few thousand units (district bureaus and their squads): bench/scale.ts loads 2,000.
    units: z.array(unitSchema).min(1).max(5000),
    projectsPerUnitPerTrack: z.int().min(1, 'must be 1 or 2').max(2, 'must be 1 or 2').default(2),
    rubric: z.array(criterionSchema).min(1).max(10),
    awards: z
      .strictObject({ collectives: z.int().min(0), individuals: z.int().min(0) })
      .describe('Totals over all tracks'),
    reporting: reportingSchema,
    milestones: z.array(milestoneSchema).default([]),
    reminders: remindersSchema.default(remindersSchema.parse({})),
    calendar: calendarSchema,
    people: z.array(personSchema).default([]),
    chats: z.array(chatSchema).default([]),
    summaries: summariesSchema.optional(),
    guidance: guidanceSchema.default(guidanceSchema.parse({})),
    attachments: attachmentsSchema.default(attachmentsSchema.parse({})),
  })
  .superRefine((file, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const duplicates = <T>(items: readonly T[], key: (t: T) => string, path: string, field: string) => {
      const seen = new Map<string, number>();
      items.forEach((item, i) => {
        const k = key(item);
        const first = seen.get(k);
        if (first !== undefined) issue([path, i, field], `duplicate ${field} "${k}" (also at ${path}[${first}])`);
        else seen.set(k, i);
      });
    };
    duplicates(file.tracks, (t) => t.code, 'tracks', 'code');
    duplicates(file.units, (u) => u.code, 'units', 'code');
    duplicates(file.stages, (s) => s.code, 'stages', 'code');
    duplicates(file.rubric, (c) => c.code, 'rubric', 'code');
    duplicates(file.reporting.periods, (p) => p.code, 'reporting.periods', 'code');

    const order = ['registration', 'implementation', 'evaluation'];
    file.stages.forEach((s, i) => {
      if (s.code !== order[i]) issue(['stages', i, 'code'], `stage ${i + 1} must be "${order[i]}"`);
      if (bothDates(s.start, s.end) && s.end < s.start) issue(['stages', i, 'end'], 'ends before it starts');
      const next = file.stages[i + 1];
      if (next && bothDates(s.end, next.start) && next.start <= s.end)
        issue(['stages', i + 1, 'start'], `must be after the end of ${s.code} (${s.end})`);
    });

    const trackCodes = new Set(file.tracks.map((t) => t.code));
    const unitCodes = new Set(file.units.map((u) => u.code));
    const collectives = file.tracks.reduce((n, t) => n + t.quota.collectives, 0);
    const individuals = file.tracks.reduce((n, t) => n + t.quota.individuals, 0);
    if (collectives !== file.awards.collectives)
      issue(['awards', 'collectives'], `is ${file.awards.collectives} but the track quotas add up to ${collectives}`);
    if (individuals !== file.awards.individuals)
      issue(['awards', 'individuals'], `is ${file.awards.individuals} but the track quotas add up to ${individuals}`);

    file.reporting.periods.forEach((p, i) => {
      if (bothDates(p.opens, p.due) && p.due < p.opens)
        issue(['reporting', 'periods', i, 'due'], 'is before the period opens');
    });
    const m = file.reporting.monthly;
    if (m && m.to < m.from) issue(['reporting', 'monthly', 'to'], 'is before "from"');

    const hours = file.reminders.workingHours;
    if (hours.end <= hours.start) issue(['reminders', 'workingHours', 'end'], 'must be after the start');
    if (file.reminders.sendAt < hours.start || file.reminders.sendAt >= hours.end)
      issue(['reminders', 'sendAt'], 'must be within the working hours');

    const both = new Set(file.calendar.holidays.filter((d) => file.calendar.workdays.includes(d)));
    file.calendar.workdays.forEach((d, i) => {
      if (both.has(d)) issue(['calendar', 'workdays', i], `${d} is also listed as a holiday`);
    });

    file.people.forEach((p, i) => {
      p.roles.forEach((r, j) => {
        if ((r.role === 'contact' || r.role === 'unit_leader') && !unitCodes.has(r.unit))
          issue(['people', i, 'roles', j, 'unit'], `unknown unit code "${r.unit}"`);
        if (r.role === 'judge' && !trackCodes.has(r.track))
          issue(['people', i, 'roles', j, 'track'], `unknown track code "${r.track}"`);
        if (r.role === 'judge' && r.unit !== undefined && !unitCodes.has(r.unit))
          issue(['people', i, 'roles', j, 'unit'], `unknown unit code "${r.unit}"`);
      });
    });
    file.chats.forEach((c, i) => {
      if (c.purpose === 'unit' && !c.unit) issue(['chats', i, 'unit'], 'a unit chat needs the unit code');
      if (c.unit && !unitCodes.has(c.unit)) issue(['chats', i, 'unit'], `unknown unit code "${c.unit}"`);
    });
    duplicates(file.chats, (c) => c.chatId, 'chats', 'chatId');
  });

/** Dates that failed their own check are not compared, so that each problem is reported once. */
const bothDates = (a: string, b: string) => isValidLocalDate(a) && isValidLocalDate(b);

export type CompetitionFile = z.infer<typeof competitionFileSchema>;
export type CompetitionFileInput = z.input<typeof competitionFileSchema>;

export function competitionJsonSchema(): object {
  return z.toJSONSchema(competitionFileSchema, { io: 'input', unrepresentable: 'any' });
}
