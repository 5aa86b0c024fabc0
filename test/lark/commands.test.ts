import { describe, expect, it } from 'vitest';
import { normaliseText, parseCommand } from '../../src/lark/commands';

const WORDS = ['帮助', 'help', '报名', 'register', '报名情况', 'registrations', '绑定', 'bind', '进展', 'progress'];
const BOT = 'ou_bot';
const mention = (key: string, openId: string, name = '') => ({ key, openId, name });

describe('chat commands', () => {
  it.each([
    ['帮助', '帮助'],
    ['  help  ', 'help'],
    ['HELP', 'help'],
    ['ＨＥＬＰ', 'help'],
    ['/帮助', '帮助'],
    ['／帮助', '帮助'],
    ['　帮助　', '帮助'],
  ])('"%s" is the command %s', (textIn, word) => {
    expect(parseCommand(textIn, [], BOT, WORDS).word).toBe(word);
  });

  it('prefers the longest command word (报名情况 over 报名)', () => {
    expect(parseCommand('报名情况', [], BOT, WORDS).word).toBe('报名情况');
    expect(parseCommand('报名', [], BOT, WORDS).word).toBe('报名');
  });

  it('reads an argument written straight after a Chinese command word', () => {
    expect(parseCommand('进展2024-T02-HP-1', [], BOT, WORDS)).toMatchObject({ word: '进展', args: ['2024-T02-HP-1'] });
    expect(parseCommand('progress2024', [], BOT, WORDS).word).toBe('progress2024');
  });

  it('resolves mentions, leaves the bot out and keeps the order of the others', () => {
    const parsed = parseCommand(
      '@_user_1 绑定 @_user_2 黄浦区 @_user_3',
      [mention('@_user_1', BOT), mention('@_user_2', 'ou_a', '张三'), mention('@_user_3', 'ou_b')],
      BOT,
      WORDS,
    );
    expect(parsed.botMentioned).toBe(true);
    expect(parsed.word).toBe('绑定');
    expect(parsed.args).toEqual(['黄浦区']);
    expect(parsed.mentions.map((m) => m.openId)).toEqual(['ou_a', 'ou_b']);
  });

  it('does not read @_user_10 as @_user_1', () => {
    const mentions = Array.from({ length: 10 }, (_, i) => mention(`@_user_${i + 1}`, `ou_${i + 1}`));
    const parsed = parseCommand('绑定 @_user_10', mentions, BOT, WORDS);
    expect(parsed.mentions.map((m) => m.openId)).toEqual(['ou_10']);
  });

  it('knows when the bot was not mentioned', () => {
    expect(parseCommand('@_user_1 帮助', [mention('@_user_1', 'ou_someone')], BOT, WORDS).botMentioned).toBe(false);
  });

  it('returns the unknown word for text that is no command', () => {
    expect(parseCommand('你好 机器人', [], BOT, WORDS)).toMatchObject({ word: '你好', args: ['机器人'] });
    expect(parseCommand('', [], BOT, WORDS).word).toBe('');
  });

  it('normalises full-width digits and zero-width characters', () => {
    expect(normaliseText('２０２４\u200b年')).toBe('2024年');
  });
});
