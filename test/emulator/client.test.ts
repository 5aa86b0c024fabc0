/**
 * The Feishu client model: it acts only on the card a message shows, builds `form_value` as the client does, and
 * refuses what no client could send. The bot is a stub that records each callback and answers what the test says.
 */
import { describe, expect, it } from 'vitest';
import { buildFormValue, cardButtons, createFeishuClient } from '../../src/emulator/client';
import { createEmulator } from '../../src/emulator/emulator';
import { createLarkSender } from '../../src/emulator/lark-sender';

const SECRET = 'client-secret';
let appSeq = 0;

const label = (zh: string, en: string) => ({ tag: 'plain_text', content: zh, i18n_content: { zh_cn: zh, en_us: en } });
const button = (zh: string, en: string, value: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  tag: 'button',
  text: label(zh, en),
  behaviors: [{ type: 'callback', value }],
  ...extra,
});
const submit = (zh: string, value: Record<string, unknown>, name = 'submit') =>
  button(zh, zh, value, { name, form_action_type: 'submit', type: 'primary' });
const card = (elements: unknown[]) => ({ schema: '2.0', header: { title: label('测试', 'Test') }, body: { elements } });

const options = (...values: string[]) => values.map((v) => ({ text: label(v, v), value: v }));

/** A form with every kind of field the bot uses. */
const formCard = (extra: unknown[] = []) =>
  card([
    { tag: 'markdown', content: '填写' },
    {
      tag: 'form',
      name: 'register',
      elements: [
        { tag: 'select_static', name: 'track', required: true, options: options('T01', 'T02') },
        { tag: 'select_static', name: 'size', options: options('s', 'm', 'l'), initial_index: 2 },
        {
          tag: 'select_static',
          name: 'period',
          required: true,
          options: options('2024-05', '2024-06'),
          initial_option: '2024-06',
        },
        {
          tag: 'multi_select_static',
          name: 'tags',
          required: false,
          options: options('a', 'b', 'c'),
          selected_values: ['b'],
        },
        { tag: 'date_picker', name: 'due', initial_date: '2024-05-24' },
        { tag: 'input', name: 'name', required: true, max_length: 5 },
        { tag: 'input', name: 'lead', required: true, default_value: '张三' },
        { tag: 'input', name: 'phone' },
        {
          tag: 'column_set',
          columns: [{ tag: 'column', elements: [{ tag: 'input', name: 'note', default_value: '备注' }] }],
        },
        submit('提交报名', { a: 'reg.submit', u: 'HP' }),
        button('重置', 'Reset', {}, { name: 'reset', form_action_type: 'reset' }),
      ],
    },
    ...extra,
  ]);

/** An emulator, a card message it shows, and a bot that answers `answer()` and records every callback. */
async function setup(shown: unknown, answer: (action: Record<string, unknown>) => unknown = () => ({})) {
  const appId = `cli_client_${++appSeq}`;
  const emulator = createEmulator({ appId, appSecret: SECRET });
  emulator.addChat('oc_team', ['ou_alice']);
  const token = (await (
    await emulator.app.request('/open-apis/auth/v3/tenant_access_token/internal', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: appId, app_secret: SECRET }),
    })
  ).json()) as { tenant_access_token: string };
  const res = await emulator.app.request('/open-apis/im/v1/messages?receive_id_type=chat_id', {
    method: 'POST',
    headers: { authorization: `Bearer ${token.tenant_access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ receive_id: 'oc_team', msg_type: 'interactive', content: JSON.stringify(shown) }),
  });
  const sent = (await res.json()) as { code: number; msg: string; data?: { message_id: string } };
  if (sent.code !== 0) throw new Error(`send refused: ${sent.code} ${sent.msg}`);
  const actions: Array<Record<string, unknown>> = [];
  const lark = createLarkSender({
    eventUrl: 'http://bot.test/lark/events',
    verificationToken: 'vt',
    emulator,
    fetch: async (_url, init) => {
      const action = (JSON.parse(String(init.body)) as { event: { action: Record<string, unknown> } }).event.action;
      actions.push(action);
      return new Response(JSON.stringify(answer(action)), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    },
  });
  return { emulator, actions, client: createFeishuClient(emulator, lark), messageId: sent.data!.message_id };
}

describe('buildFormValue: what the client puts in form_value', () => {
  it('sends every component with what it shows, overridden by what the person fills', () => {
    const built = buildFormValue(formCard(), { fill: { track: 'T02', name: '甲乙' } });
    expect(built).toMatchObject({
      ok: true,
      form: 'register',
      button: { name: 'submit', value: { a: 'reg.submit', u: 'HP' } },
    });
    expect(built.ok && built.formValue).toEqual({
      track: 'T02',
      size: 'm', // initial_index counts from 1
      period: '2024-06',
      tags: ['b'],
      due: '2024-05-24 +0800',
      name: '甲乙',
      lead: '张三',
      phone: '', // empty inputs are sent as ''
      note: '备注', // inside a column of the form
    });
  });

  it('required components left empty stop the submission in the client', () => {
    expect(buildFormValue(formCard(), { fill: { lead: '' } })).toEqual({
      ok: false,
      form: 'register',
      missing: ['track', 'name', 'lead'],
    });
    // A blank is typed text, not an empty field: the server has to judge it.
    expect(buildFormValue(formCard(), { fill: { track: 'T01', name: ' ' } }).ok).toBe(true);
  });

  it('refuses what no client can do', () => {
    expect(() => buildFormValue(formCard(), { fill: { track: 'T01', name: 'x', goals: 'y' } })).toThrow(
      'form "register" has no component "goals"',
    );
    expect(() => buildFormValue(formCard(), { fill: { track: 'T99', name: 'x' } })).toThrow(
      'select "track" offers ["T01","T02"]',
    );
    expect(() => buildFormValue(formCard(), { fill: { track: 'T01', name: '一二三四五六' } })).toThrow(
      'at most 5 characters',
    );
    expect(() => buildFormValue(formCard(), { fill: { track: 'T01', name: 'x', phone: 'x'.repeat(1001) } })).toThrow(
      'at most 1000 characters',
    );
    expect(() => buildFormValue(formCard(), { fill: { track: 'T01', name: 'x', tags: ['z'] } })).toThrow(
      'multi-select "tags"',
    );
    expect(() => buildFormValue(card([{ tag: 'markdown', content: 'x' }]))).toThrow('no form');
  });

  it('refuses a card whose names clash (client error 200530), form names included', () => {
    const clash = card([
      {
        tag: 'form',
        name: 'materials',
        elements: [{ tag: 'input', name: 'materials', required: true }, submit('报送', { a: 'x' })],
      },
    ]);
    expect(() => buildFormValue(clash, { fill: { materials: '事迹' } })).toThrow('200530');
    const nameless = card([{ tag: 'form', name: 'f', elements: [{ tag: 'input' }, submit('报送', { a: 'x' })] }]);
    expect(() => buildFormValue(nameless)).toThrow('200530');
  });

  it('picks the form and the submit button when there are several', () => {
    const two = card([
      {
        tag: 'form',
        name: 'decision',
        elements: [
          { tag: 'input', name: 'note' },
          submit('通过', { d: 'approve' }, 'approve'),
          submit('不通过', { d: 'reject' }, 'reject'),
        ],
      },
      {
        tag: 'form',
        name: 'other',
        elements: [{ tag: 'input', name: 'x' }, submit('提交', { a: 'other' }, 'submit_other')],
      },
    ]);
    expect(() => buildFormValue(two)).toThrow('several forms');
    expect(() => buildFormValue(two, { form: 'decision' })).toThrow('2 submit buttons');
    expect(buildFormValue(two, { form: 'decision', button: 'reject' })).toMatchObject({
      ok: true,
      formValue: { note: '' },
      button: { value: { d: 'reject' } },
    });
    expect(buildFormValue(two, { form: 'decision', button: '通过' })).toMatchObject({
      ok: true,
      button: { value: { d: 'approve' } },
    });
    expect(buildFormValue(two, { form: 'other' })).toMatchObject({
      ok: true,
      formValue: { x: '' },
      button: { name: 'submit_other' },
    });
  });
});

describe('the client in front of an emulated message', () => {
  it('lists the buttons shown, in columns too, with their labels in each language', async () => {
    const shown = card([
      button('上一页', 'Previous', { a: 'p', o: 0 }),
      { tag: 'column_set', columns: [{ tag: 'column', elements: [button('撤回', 'Withdraw', { a: 'w', p: 1 })] }] },
    ]);
    expect(cardButtons(shown).map((b) => [b.labels, b.value])).toEqual([
      [['上一页', 'Previous'], { a: 'p', o: 0 }],
      [['撤回', 'Withdraw'], { a: 'w', p: 1 }],
    ]);
  });

  it('clicks a button by its label or its value, and refuses one it cannot see or tell apart', async () => {
    const shown = card([
      button('修改', 'Edit', { a: 'reg.edit', p: 1 }),
      button('修改', 'Edit', { a: 'reg.edit', p: 2 }),
      {
        tag: 'column_set',
        columns: [
          { tag: 'column', elements: [button('撤回', 'Withdraw', { a: 'reg.withdraw', p: 1 }, { name: 'w1' })] },
        ],
      },
    ]);
    const { client, messageId, actions } = await setup(shown, () => ({ toast: { type: 'info', content: 'ok' } }));
    const d = await client.clickButton(messageId, 'ou_alice', 'Withdraw');
    expect(d.toast).toEqual({ type: 'info', content: 'ok' });
    expect(actions[0]).toMatchObject({ value: { a: 'reg.withdraw', p: 1 }, tag: 'button', name: 'w1' });
    await client.clickButton(messageId, 'ou_alice', { a: 'reg.edit', p: 2 });
    expect(actions[1]).toMatchObject({ value: { a: 'reg.edit', p: 2 } });
    expect(actions[1]).not.toHaveProperty('form_value');
    await client.clickButton(messageId, 'ou_alice', /撤/);
    await expect(client.clickButton(messageId, 'ou_alice', '修改')).rejects.toThrow(
      /2 buttons match "修改"[\s\S]*reg\.edit/,
    );
    await expect(client.clickButton(messageId, 'ou_alice', { a: 'reg.delete' })).rejects.toThrow(
      /no button \{"a":"reg.delete"\}[\s\S]*撤回/,
    );
    expect(actions).toHaveLength(3);
  });

  it('refuses to click a form submit button (that is submitForm) or an unknown message', async () => {
    const { client, messageId } = await setup(formCard());
    await expect(client.clickButton(messageId, 'ou_alice', '提交报名')).rejects.toThrow('use submitForm');
    await expect(client.clickButton('om_nope', 'ou_alice', 'x')).rejects.toThrow('no message om_nope');
  });

  it('submits the form it shows, and reads the card the answer put in its place', async () => {
    const done = card([button('我的项目', 'My projects', { a: 'reg.list', u: 'HP' })]);
    const { client, messageId, actions, emulator } = await setup(formCard(), () => ({
      toast: { type: 'success', content: '报名成功' },
      card: { type: 'raw', data: done },
    }));
    const d = await client.submitForm(messageId, 'ou_alice', { fill: { track: 'T01', name: '甲' } });
    expect(d.toast).toEqual({ type: 'success', content: '报名成功' });
    expect(actions[0]).toMatchObject({
      tag: 'button',
      name: 'submit',
      value: { a: 'reg.submit', u: 'HP' },
      form_value: { track: 'T01', name: '甲', lead: '张三', phone: '' },
    });
    // The form is gone: the person sees the confirmation now.
    await expect(client.submitForm(messageId, 'ou_alice', { fill: { name: '乙' } })).rejects.toThrow('no form');
    await client.clickButton(messageId, 'ou_alice', '我的项目');
    expect(actions[1]).toMatchObject({ value: { a: 'reg.list', u: 'HP' } });
    expect(emulator.state.violations).toEqual([]);
  });

  it('sends nothing when a required field is empty, and says which', async () => {
    const { client, messageId, actions } = await setup(formCard());
    expect(await client.submitForm(messageId, 'ou_alice', { fill: { name: '甲' } })).toEqual({
      blocked: 'required',
      missing: ['track'],
    });
    expect(actions).toEqual([]);
  });

  it('concurrent submissions all act on the card as it was shown', async () => {
    const done = card([{ tag: 'markdown', content: 'ok' }]);
    const { client, messageId, actions } = await setup(formCard(), () => ({ card: { type: 'raw', data: done } }));
    const results = await Promise.all(
      [1, 2, 3].map((i) => client.submitForm(messageId, 'ou_alice', { fill: { track: 'T01', name: `n${i}` } })),
    );
    expect(results.every((r) => !('blocked' in r))).toBe(true);
    expect(actions.map((a) => (a.form_value as Record<string, unknown>).name).sort()).toEqual(['n1', 'n2', 'n3']);
  });
});
