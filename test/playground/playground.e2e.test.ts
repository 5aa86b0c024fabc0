/**
 * The playground in a real browser: Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH) driven by playwright-core,
 * nothing downloaded. One journey through the page only, as a visitor plays it, every control found by its accessible
 * name: the office binds a contact by @mention in the unit's group; the contact registers through the rendered form and
 * the group sees the notice; in May the contact reports progress and, with 📎 in reply to the receipt, attaches a PDF
 * that the receipt then lists, and a judge opens it from the project's timeline and finds it forwarded to their chat
 * (转发); on the reminder day another unit's contact finds the
 * reminder; in November two judges score through their forms; after judging closes the office publishes and the
 * announcement group shows the ranking card with its chart drawn.
 *
 * A screenshot of each step goes to PLAYGROUND_SHOTS (default .ci-out/playground); the README shows three of them
 * (docs/playground-*.png).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPlaygroundServer, type PlaygroundServer } from '../../src/playground/server';
import { freshDatabase, type TestDatabase } from '../support/database';

/** How long a step may take: CI runs this beside the other test files on two cores. */
const WAIT = { timeout: 45_000 };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.PLAYGROUND_SHOTS ?? '.ci-out/playground';

let db: TestDatabase;
let pg: PlaygroundServer;
let browser: Browser;
let page: Page;
let shot = 0;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run .ci/chromium-up (apt install chromium)`);
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  db = await freshDatabase({ shared: true });
  pg = await startPlaygroundServer({
    env: { DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: process.env.PLAYGROUND_LOG ?? 'silent' },
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // This machine's network is closed: no background connections, no component updates.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Generous: CI runs this beside the other test files on two cores.
  page.setDefaultTimeout(60_000);
  await page.goto(`${pg.url}/`);
}, 120_000);

afterEach(async (ctx) => {
  // The page as it was when a step failed: the first thing to look at.
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(SHOTS, 'failure.png') }).catch(() => {});
});

afterAll(async () => {
  await browser?.close();
  await pg?.close();
  await db?.destroy();
});

const log = () => page.getByRole('log');

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${String(++shot).padStart(2, '0')}-${name}.png`) });
}

async function as(persona: string): Promise<void> {
  await page.getByLabel('身份').selectOption({ label: persona });
  await page.getByRole('button', { name: '赛道助手' }).waitFor();
}

async function openChat(name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name }).click();
  await expect.poll(() => page.locator('#chat-title').textContent(), WAIT).toContain(name);
}

async function travel(local: string): Promise<void> {
  await page.getByLabel('时间').fill(local);
  await page.getByRole('button', { name: '前往' }).click();
  await page
    .getByRole('status')
    .getByText(`时间已到 ${local.replace('T', ' ')}`)
    .first()
    .waitFor();
}

/** Types in the message box; `@name` segments are picked from the mention list, as a person does. */
async function type(parts: Array<string | { mention: string }>): Promise<void> {
  const box = page.getByRole('textbox', { name: '消息' });
  await box.click();
  for (const part of parts) {
    if (typeof part === 'string') {
      await box.pressSequentially(part);
      continue;
    }
    await box.pressSequentially(`@${[...part.mention].slice(0, 1).join('')}`);
    const option = page.getByRole('listbox').getByRole('option', { name: part.mention });
    await option.click();
  }
}

/** Sends the message box and waits until the bot has answered (the last message is the bot's). */
async function send(): Promise<void> {
  const before = await log().locator('article.msg').count();
  await page.getByRole('button', { name: '发送' }).click();
  await expect.poll(() => log().locator('article.msg').count(), WAIT).toBeGreaterThan(before + 1);
}

async function say(words: string): Promise<void> {
  await type([words]);
  await send();
}

const lastCard = () => log().locator('article.msg.bot').last();

describe('the playground, played in Chromium', () => {
  it('runs the 2024 competition from binding to the published ranking', { timeout: 480_000 }, async () => {
    // 1. The office binds 浦东's contact in the unit's group, @mentioning the bot and the contact.
    await as('周敏（竞赛办）');
    await travel('2024-03-20T09:30');
    await openChat('浦东工作群');
    await type([{ mention: '赛道助手' }, '绑定 ', { mention: '王芳' }, '浦东']);
    await expect
      .poll(() => page.getByRole('textbox', { name: '消息' }).inputValue(), WAIT)
      .toBe('@赛道助手 绑定 @王芳 浦东');
    await send();
    await expect.poll(() => lastCard().textContent(), WAIT).toContain('王芳');
    await expect.poll(() => lastCard().textContent(), WAIT).toContain('已设为浦东新区城管执法局（PD）联络员');
    await screenshot('office-binds-contact');

    // 2. The contact registers through the rendered form.
    await as('王芳（浦东联络员）');
    await say('报名');
    const form = lastCard();
    await form.getByLabel('选择赛道').selectOption('T02');
    await form.getByLabel('项目名称').fill('执法文书规范化建设');
    await form.getByLabel('项目负责人').fill('王芳');
    await form.getByLabel('项目简介').fill('梳理执法流程，统一文书格式，建立文书质量月度抽查。');
    await form.getByLabel('目标与预期成效').fill('全年文书差错率下降 50%。');
    await screenshot('contact-fills-registration');
    await form.getByRole('button', { name: '提交报名' }).click();
    await expect.poll(() => lastCard().textContent(), WAIT).toContain('报名成功');
    await screenshot('registration-confirmed');

    // The unit's group sees the notice.
    await openChat('浦东工作群');
    await expect.poll(() => lastCard().textContent(), WAIT).toContain('执法文书规范化建设');
    await screenshot('group-notice');

    // 3. In May the contact reports progress.
    await travel('2024-05-20T10:00');
    await openChat('赛道助手');
    await say('进展');
    await screenshot('report-form');
    const report = lastCard();
    await report.getByLabel('本期完成的工作').fill('完成 3 个中队的文书模板统一，开展 2 次培训。');
    await report.getByLabel('取得的成效').fill('抽查 120 份文书，差错率由 8% 降至 5%。');
    await report.getByLabel('完成度').fill('40');
    await report.getByRole('button', { name: '提交进展' }).click();
    await expect.poll(() => lastCard().textContent(), WAIT).toContain('已提交');
    await screenshot('report-receipt');

    // The contact replies to the receipt with a PDF picked through 📎: the bot confirms, the receipt lists it.
    const receiptId = (await lastCard().getAttribute('data-message-id'))!;
    const receipt = log().locator(`article[data-message-id="${receiptId}"]`);
    await receipt.getByRole('button', { name: '回复', exact: true }).click();
    await expect.poll(() => page.locator('#reply').textContent(), WAIT).toContain('回复：');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: '文件', exact: true }).click();
    await (await chooser).setFiles({
      name: '文书抽查台账.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5 * 1024, 0x25)]),
    });
    await expect
      .poll(() => log().textContent(), WAIT)
      .toContain('已附到 2024-T02-PD-1「5月进展」：文书抽查台账.pdf（5 KB），共 1 个附件。');
    await expect.poll(() => receipt.textContent(), WAIT).toContain('文书抽查台账.pdf');
    const sentFile = log().locator('article.msg.mine').last();
    expect(await sentFile.locator('.file-name').textContent()).toBe('文书抽查台账.pdf');
    expect(await sentFile.locator('.quote').textContent()).toMatch(/^回复 /);
    expect(await page.locator('#reply').isHidden()).toBe(true);
    await screenshot('contact-attaches-file');

    // A judge of the track opens the project's timeline and 打开 the file: it arrives in their chat, forwarded.
    await as('李强（法治建设评委）');
    await say('进展 2024-T02-PD-1');
    const timeline = lastCard();
    await expect.poll(() => timeline.textContent(), WAIT).toContain('文书抽查台账.pdf');
    await timeline.getByRole('button', { name: /^打开/ }).first().click();
    const forwarded = log()
      .locator('article.msg.bot')
      .filter({ has: page.locator('.fwd') })
      .last();
    await expect.poll(() => forwarded.locator('.file-name').textContent(), WAIT).toBe('文书抽查台账.pdf');
    expect(await forwarded.locator('.fwd').textContent()).toBe('转发');
    expect(await forwarded.getByRole('link', { name: /下载/ }).getAttribute('href')).toMatch(
      /^\/playground\/api\/files\//,
    );
    await screenshot('judge-opens-forwarded-file');

    // 4. Back to the reminder day of registration: 黄浦 has registered nothing, and its contact is reminded; the
    // reminder's button opens the form, and 黄浦 registers too.
    await travel('2024-04-08T09:30');
    await as('陈刚（黄浦联络员）');
    const reminder = lastCard();
    await expect.poll(() => reminder.textContent(), WAIT).toContain('2024-04-15');
    await screenshot('reminder');
    await reminder.getByRole('button', { name: /^去/ }).first().click();
    await expect.poll(() => lastCard().textContent(), WAIT).toContain('提交报名');
    const second = lastCard();
    await second.getByLabel('选择赛道').selectOption('T02');
    await second.getByLabel('项目名称').fill('沿街商户“门责”智慧监管');
    await second.getByLabel('项目负责人').fill('陈刚');
    await second.getByLabel('项目简介').fill('以门责制为抓手，视频巡查发现问题自动派单。');
    await second.getByLabel('目标与预期成效').fill('沿街违规投诉量下降 30%。');
    await second.getByRole('button', { name: '提交报名' }).click();
    await expect.poll(() => lastCard().textContent(), WAIT).toContain('报名成功');

    // 5. November: both judges of the track score both projects through their forms.
    await travel('2024-11-20T10:00');
    const sheets = {
      '李强（法治建设评委）': [
        ['22', '20', '21', '19'],
        ['18', '19', '17', '20'],
      ],
      '赵丽（法治建设评委）': [
        ['20', '23', '18', '21'],
        ['19', '18', '20', '17'],
      ],
    };
    for (const [judge, projects] of Object.entries(sheets)) {
      await as(judge);
      for (const scores of projects) {
        await say('评分');
        await lastCard().getByRole('button', { name: '评分', exact: true }).first().click();
        await expect.poll(() => lastCard().textContent(), WAIT).toContain('提交评分');
        const sheet = lastCard();
        for (const [i, criterion] of ['成效', '实绩', '可行性', '示范性'].entries())
          await sheet.getByLabel(criterion).fill(scores[i]!);
        await sheet.getByLabel('评语').fill('措施具体，数据可核。');
        if (judge.startsWith('李强') && scores === projects[0]) await screenshot('judge-scores');
        await sheet.getByRole('button', { name: '提交评分' }).click();
        await expect.poll(() => lastCard().textContent(), WAIT).toContain('评分已保存');
      }
    }

    // 6. After judging closes, the office publishes; the announcement group shows the ranking with its chart drawn.
    await travel('2024-11-30T10:00');
    await as('周敏（竞赛办）');
    await openChat('赛道助手');
    await say('发布排行');
    await expect.poll(() => lastCard().textContent(), WAIT).toContain('已发布');
    await openChat('竞赛通知群');
    const ranking = lastCard();
    await expect.poll(() => ranking.textContent(), WAIT).toContain('2024-T02-PD-1');
    await expect.poll(() => ranking.textContent(), WAIT).toContain('2024-T02-HP-1');
    const canvas = ranking.locator('.card-chart canvas').first();
    await canvas.waitFor();
    await canvas.scrollIntoViewIfNeeded();
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(1_000);
    await screenshot('published-ranking');

    // The same card in English, for a persona who reads English.
    await page.getByLabel('卡片语言').selectOption('en_us');
    await expect.poll(() => lastCard().textContent(), WAIT).toContain('Version 1');
    await lastCard().locator('.card-chart canvas').first().waitFor();
    await screenshot('published-ranking-en');
    expect(pageErrors).toEqual([]);
  });

  it('fills in the demo competition; a page left open elsewhere sees its chats start afresh', {
    timeout: 240_000,
  }, async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    try {
      await other.goto(`${pg.url}/`);
      await other.getByLabel('身份').selectOption({ label: '王芳（浦东联络员）' });
      await expect.poll(() => other.getByRole('log').locator('article.msg').count(), WAIT).toBeGreaterThan(0);

      await as('周敏（竞赛办）');
      await page.getByLabel('卡片语言').selectOption('zh_cn');
      await page.getByRole('button', { name: '生成演示数据' }).click();
      await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
      await page.getByRole('status').getByText('演示数据已生成').first().waitFor();
      await expect.poll(() => other.getByRole('log').locator('article.msg').count(), WAIT).toBe(0);
      await other.getByRole('log').getByText('还没有消息').waitFor();

      // The season is there: the office's overview of reports lists the units' projects.
      await say('进展情况');
      await expect.poll(() => lastCard().textContent(), WAIT).toContain('进展');
      expect(await page.locator('.card-error').count()).toBe(0);
      await screenshot('demo-data');
    } finally {
      await other.close();
    }
  });
});
