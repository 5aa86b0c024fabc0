/**
 * The pure card checker (src/lark/card-rules.ts) against Feishu's published Card JSON 2.0 rules:
 * - 200 elements, counted as the structure page counts them, text elements included:
 *   https://open.feishu.cn/document/feishu-cards/card-json-v2-structure
 * - unknown properties refused in 2.0:
 *   https://open.feishu.cn/document/feishu-cards/card-json-v2-breaking-changes-release-notes
 * - names unique in the card: https://open.feishu.cn/document/feishu-cards/card-json-v2-components/containers/form-container
 * - five tables: https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/table
 * - 100-character button text and placeholders, input max_length 1..1000:
 *   https://open.feishu.cn/document/feishu-cards/card-json-v2-components/interactive-components/button ,
 *   https://open.feishu.cn/document/feishu-cards/card-json-v2-components/interactive-components/input
 * - @all in markdown: https://open.feishu.cn/document/feishu-cards/card-json-v2-components/content-components/rich-text
 */
import { describe, expect, it } from 'vitest';
import { cardRequestBytes, checkCard, LARK_CARD_LIMITS } from '../../src/lark/card-rules';

const pt = (content: string) => ({ tag: 'plain_text', content });
const card = (elements: unknown[], extra: Record<string, unknown> = {}) => ({
  schema: '2.0',
  ...extra,
  body: { elements },
});
const md = (content: string) => ({ tag: 'markdown', content });
const callback = [{ type: 'callback', value: { a: 'x' } }];
const submit = (name = 'go') => ({
  tag: 'button',
  name,
  form_action_type: 'submit',
  text: pt('提交'),
  behaviors: callback,
});
const subCodes = (c: unknown) => checkCard(c).problems.map((p) => p.subCode ?? p.code);

describe('checkCard counts elements as the structure page does', () => {
  it('counts every tagged object: the header title, option texts, labels, placeholders and button texts', () => {
    const c = card(
      [
        {
          tag: 'form',
          name: 'f',
          elements: [
            {
              tag: 'select_static',
              name: 's',
              placeholder: pt('选择'),
              options: [
                { text: pt('a'), value: 'a' },
                { text: pt('b'), value: 'b' },
              ],
            },
            { tag: 'input', name: 'i', label: pt('标签'), placeholder: pt('输入') },
            submit(),
          ],
        },
      ],
      { header: { title: pt('标题') } },
    );
    // title 1 + form 1 + select (1 + placeholder 1 + 2 option texts) + input (1 + label + placeholder) + button (1 + text)
    expect(checkCard(c)).toMatchObject({ elements: 1 + 1 + 4 + 3 + 2, problems: [] });
  });

  it('does not count table rows or chart specs, whatever they hold', () => {
    const rows = Array.from({ length: 150 }, (_, i) => ({ a: `row ${i}`, b: [{ text: `t${i}`, color: 'blue' }] }));
    const table = {
      tag: 'table',
      columns: [
        { name: 'a', display_name: 'A' },
        { name: 'b', display_name: 'B', data_type: 'options' },
      ],
      rows,
    };
    const chartSpec = {
      type: 'bar',
      title: { text: 'x' },
      data: { values: Array.from({ length: 150 }, (_, i) => ({ tag: 'plain_text', x: i })) },
    };
    const c = card([table, { tag: 'chart', chart_spec: chartSpec }]);
    expect(checkCard(c)).toMatchObject({ elements: 2, tables: 1, problems: [] });
  });

  it('accepts 200 elements and refuses 201 with 11310', () => {
    const withTitle = (n: number) =>
      card(
        Array.from({ length: n }, (_, i) => md(`${i}`)),
        { header: { title: pt('t') } },
      );
    expect(checkCard(withTitle(199))).toMatchObject({ elements: 200, problems: [] });
    expect(checkCard(withTitle(200)).elements).toBe(201);
    expect(checkCard(withTitle(200)).problems).toEqual([
      { code: 230099, subCode: 11310, message: expect.stringContaining('element exceeds the limit') },
    ]);
  });

  it('measures the request a card needs: the card escaped once more inside content', () => {
    const c = card([md('"'.repeat(1000))]);
    expect(cardRequestBytes(c)).toBeGreaterThan(Buffer.byteLength(JSON.stringify(JSON.stringify(c))) - 1);
    expect(cardRequestBytes(c)).toBeGreaterThan(4000); // each " is 4 bytes escaped twice
    const big = card([md('x'.repeat(LARK_CARD_LIMITS.bodyBytes))]);
    expect(checkCard(big).problems.map((p) => p.code)).toEqual([230025]);
  });
});

describe('checkCard refuses what 2.0 refuses', () => {
  it('refuses unknown properties (200621) and unsupported tags (200861)', () => {
    expect(subCodes({ schema: '2.0', elements: [], body: { elements: [] } })).toEqual([200621]);
    expect(subCodes(card([], { config: { wide_screen_mode: true } }))).toEqual([200621]);
    expect(subCodes(card([{ ...md('x'), href: { u: { url: 'https://x' } } }]))).toEqual([200621]);
    expect(subCodes(card([{ tag: 'button', text: pt('b'), behaviors: callback, action_type: 'request' }]))).toEqual([
      200621,
    ]);
    expect(subCodes(card([{ tag: 'action', actions: [] }]))).toEqual([200861]);
    expect(
      subCodes(card([md('x'), { tag: 'hr' }, { tag: 'div', text: { tag: 'lark_md', content: '**x**' } }])),
    ).toEqual([]);
  });

  it('keeps names unique across forms and components (200530)', () => {
    const materials = card([
      { tag: 'form', name: 'materials', elements: [{ tag: 'input', name: 'materials' }, submit()] },
    ]);
    expect(checkCard(materials).problems).toEqual([
      { code: 230099, subCode: 200530, message: expect.stringContaining('"materials" is used 2 times') },
    ]);
    const twoForms = card([
      { tag: 'form', name: 'a', elements: [{ tag: 'input', name: 'note' }, submit('go_a')] },
      { tag: 'form', name: 'b', elements: [{ tag: 'input', name: 'note' }, submit('go_b')] },
    ]);
    expect(subCodes(twoForms)).toEqual([200530]);
    const distinct = card([
      { tag: 'form', name: 'a', elements: [{ tag: 'input', name: 'note_a' }, submit('go_a')] },
      { tag: 'form', name: 'b', elements: [{ tag: 'input', name: 'note_b' }, submit('go_b')] },
    ]);
    expect(subCodes(distinct)).toEqual([]);
  });

  it('allows five tables and refuses six', () => {
    const table = { tag: 'table', columns: [{ name: 'a' }], rows: [{ a: '1' }] };
    expect(checkCard(card(Array(5).fill(table)))).toMatchObject({ tables: 5, problems: [] });
    expect(checkCard(card(Array(6).fill(table))).problems).toEqual([
      { code: 230099, subCode: 200621, message: '6 tables (at most 5)' },
    ]);
  });

  it('limits button texts and placeholders to 100 characters (code points, not bytes)', () => {
    const button = (text: string) => card([{ tag: 'button', text: pt(text), behaviors: callback }]);
    expect(subCodes(button('按'.repeat(100)))).toEqual([]);
    expect(subCodes(button('😀'.repeat(100)))).toEqual([]);
    expect(subCodes(button('按'.repeat(101)))).toEqual([200621]);
    const input = (placeholder: string) => card([{ tag: 'input', name: 'i', placeholder: pt(placeholder) }]);
    expect(subCodes(input('x'.repeat(100)))).toEqual([]);
    expect(subCodes(input('x'.repeat(101)))).toEqual([200621]);
    const i18n = card([
      {
        tag: 'input',
        name: 'i',
        placeholder: { tag: 'plain_text', content: 'x', i18n_content: { en_us: 'y'.repeat(101) } },
      },
    ]);
    expect(subCodes(i18n)).toEqual([200621]);
  });

  it('keeps input max_length within 1..1000', () => {
    const input = (max_length: number) => card([{ tag: 'input', name: 'i', max_length }]);
    expect(subCodes(input(1))).toEqual([]);
    expect(subCodes(input(1000))).toEqual([]);
    expect(subCodes(input(1001))).toEqual([200621]);
    expect(subCodes(input(0))).toEqual([200621]);
  });

  it('refuses @all in markdown, once, whichever language carries it', () => {
    expect(subCodes(card([md('请 <at id=all></at> 注意')]))).toEqual([200621]);
    expect(
      subCodes(
        card([
          {
            tag: 'markdown',
            content: '<at id=all></at>',
            i18n_content: { zh_cn: '<at id=all></at>', en_us: '<at id="all"></at>' },
          },
        ]),
      ),
    ).toEqual([200621]);
    expect(subCodes(card([md('<at id=ou_123></at> 请注意')]))).toEqual([]);
  });

  it('does not check 1.0 cards', () => {
    const v1 = {
      config: { wide_screen_mode: true },
      elements: [
        { tag: 'action', actions: [{ tag: 'button', text: pt('x'.repeat(300)) }] },
        ...Array(250).fill({ tag: 'hr' }),
      ],
    };
    expect(checkCard(v1)).toMatchObject({ elements: 0, problems: [] });
  });
});
