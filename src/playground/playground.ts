/**
 * The playground: the bot, the project's Lark emulator and a Feishu-like chat page in one process, on one port, for
 * anyone without a Feishu tenant (`npm start` with no LARK_APP_ID). Nothing is faked between the page and the bot:
 *
 *   page ──/playground/api──▶ Playground ──LarkSender (signed, encrypted, HTTP)──▶ POST /lark/events (the bot)
 *   bot ──node-sdk (HTTP)──▶ /emulator/open-apis/… (the emulator) ◀──/playground/api/view── page (polls)
 *
 * What a persona does goes through the emulator's Feishu client (src/emulator/client.ts): it reads the card the
 * message shows now and builds the callback as the client does, refusing what no client could send.
 */
import { randomBytes } from 'node:crypto';
import type { Container } from '../container';
import type { Competition } from '../competition/competition';
import { competitionFromJson } from '../competition/loader';
import { localDateTimeOf, zonedInstant } from '../competition/calendar';
import { createEmulator, type Emulator } from '../emulator/emulator';
import { createFeishuClient, cardButtons, type FeishuClient } from '../emulator/client';
import { createLarkSender, type LarkSender } from '../emulator/lark-sender';
import { isObject } from '../emulator/model';
import { sniffImage } from '../emulator/resources';
import type { InboundMessage, RecordedMessage, StoredResource } from '../emulator/types';
import { BOT_NAME, castOf, castSections, DEMO_OPEN_ID_PREFIX, personaLabel, type Cast, type Persona } from './cast';
import type { TravelClock } from './clock';
import {
  MAX_UPLOAD_BYTES,
  type ActionOutcome,
  type ChatView,
  type MessageView,
  type PersonaView,
  type PlaygroundState,
} from './web/api';

export const EMULATOR_PREFIX = '/emulator';
export const PLAYGROUND_APP_ID = 'cli_playground';

/** Credentials of the in-process pair, fresh for each start: nothing outside this process can sign for it. */
export function playgroundSecrets() {
  return {
    appSecret: randomBytes(16).toString('hex'),
    verificationToken: randomBytes(12).toString('hex'),
    encryptKey: randomBytes(16).toString('hex'),
  };
}

/** The competition file with the cast's people and chats added, as an operator would write them. */
export function withCast(competition: Competition): Competition {
  const sections = castSections(castOf(competition.file));
  const file = {
    ...competition.file,
    people: [...competition.file.people, ...sections.people],
    chats: [...competition.file.chats, ...sections.chats],
  };
  return competitionFromJson(JSON.stringify(file), 'competition file with the playground cast');
}

/** The emulator, with every persona a user and every cast group a chat the bot is in. */
export function playgroundEmulator(options: { cast: Cast; appSecret: string; now: () => number }): Emulator {
  const { cast } = options;
  return createEmulator({
    appId: PLAYGROUND_APP_ID,
    appSecret: options.appSecret,
    bot: { name: BOT_NAME },
    // Time travel moves the emulator's clock by years; tokens outlive any visit.
    tokenTtlSeconds: 20 * 365 * 86_400,
    now: options.now,
    users: cast.personas.map((p) => ({ open_id: p.openId, name: p.name })),
    chats: cast.groups.map((g) => ({ chatId: g.chatId, name: g.name, members: g.members })),
  });
}

export type Lang = 'zh_cn' | 'en_us';

export class PlaygroundError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 413 = 400,
  ) {
    super(message);
  }
}

export interface PlaygroundParts {
  container: Container;
  emulator: Emulator;
  clock: TravelClock;
  cast: Cast;
  timeZone: string;
  competitionName: string;
  /** Where Lark delivers events and card callbacks: the bot's own URL on this process. */
  botUrl: string;
  verificationToken: string;
  encryptKey: string;
  /** Fills the database with a demo competition at an instant (src/playground/demo-seed.ts). */
  seed: (at: number) => Promise<unknown>;
}

/** The page's view of the world and what it can do, each action delivered to the bot as Lark would. */
export class Playground {
  readonly sender: LarkSender;
  readonly client: FeishuClient;
  private readonly personas: Persona[];
  /** What the page shows for users' messages: the text with names in place of `@_user_N`. */
  private readonly typed = new Map<string, { text: string; mentions: string[] }>();
  /** Users' messages sent as a reply (the page's 「回复」): message id → the message replied to. */
  private readonly parentOf = new Map<string, string>();
  private added = 0;
  /** How many times the chats were started afresh (demo data). */
  private generation = 0;

  constructor(private readonly parts: PlaygroundParts) {
    const { emulator, clock, botUrl } = parts;
    this.personas = [...parts.cast.personas];
    this.sender = createLarkSender({
      eventUrl: `${botUrl}/lark/events`,
      legacyCardUrl: `${botUrl}/lark/card`,
      verificationToken: parts.verificationToken,
      encryptKey: parts.encryptKey,
      emulator,
      appId: PLAYGROUND_APP_ID,
      now: () => clock.now(),
    });
    this.client = createFeishuClient(emulator, this.sender);
  }

  private get emulator(): Emulator {
    return this.parts.emulator;
  }

  private get timeZone(): string {
    return this.parts.timeZone;
  }

  firstPersona(): string {
    return this.personas[0]!.openId;
  }

  persona(openId: string): Persona {
    const p = this.personas.find((x) => x.openId === openId);
    if (!p) throw new PlaygroundError(`没有这个身份：${openId}。 No such persona: ${openId}.`, 404);
    return p;
  }

  state(openId: string): PlaygroundState {
    const me = this.persona(openId);
    const bot = this.emulator.config.botOpenId;
    const name = (id: string) =>
      id === bot
        ? BOT_NAME
        : (this.emulator.state.users.get(id)?.name ?? this.personas.find((p) => p.openId === id)?.name ?? id);
    const p2p = this.emulator.p2pChat(me.openId);
    const counts = new Map<string, number>();
    for (const m of [...this.emulator.state.messages, ...this.emulator.state.inbound])
      counts.set(m.chatId, (counts.get(m.chatId) ?? 0) + 1);
    const groups: ChatView[] = [...this.emulator.state.chats.values()]
      .filter((c) => c.chatType === 'group' && c.members.includes(me.openId))
      .map((c) => ({
        chatId: c.chatId,
        name: c.name,
        kind: 'group',
        members: [...(c.botIsMember ? [bot] : []), ...c.members].map((id) => ({ openId: id, name: name(id) })),
        count: counts.get(c.chatId) ?? 0,
      }));
    return {
      now: this.parts.clock.now(),
      local: localDateTimeOf(this.parts.clock.now(), this.timeZone).replace(' ', 'T'),
      timeZone: this.timeZone,
      competition: this.parts.competitionName,
      botName: BOT_NAME,
      botOpenId: bot,
      personas: this.personas.map((p) => ({
        openId: p.openId,
        name: p.name,
        label: personaLabel(p),
        labelEn: `${p.name} (${p.roleWordEn})`,
      })),
      chats: [
        {
          chatId: p2p.chatId,
          name: BOT_NAME,
          kind: 'p2p',
          members: [{ openId: bot, name: BOT_NAME }],
          count: counts.get(p2p.chatId) ?? 0,
        } as ChatView,
        ...groups,
      ],
      version: this.version(),
    };
  }

  /** Changes whenever a message arrives or one changes: the page asks for messages only then. */
  version(): number {
    // The chats' generation first: a count alone could come back to a value a page saw before the chats were cleared.
    let v = this.generation * 1_000_000 + this.emulator.state.messages.length + this.emulator.state.inbound.length;
    for (const m of this.emulator.state.messages) v += m.updates.length;
    return v;
  }

  private visibleChat(openId: string, chatId: string) {
    const chat = this.emulator.state.chats.get(chatId);
    if (!chat) throw new PlaygroundError(`没有这个会话：${chatId}。 No such chat: ${chatId}.`, 404);
    const mine = chat.chatType === 'p2p' ? chat.p2pUser === openId : chat.members.includes(openId);
    if (!mine) throw new PlaygroundError('这个身份不在该会话中。 This persona is not in that chat.', 404);
    return chat;
  }

  messages(openId: string, chatId: string, have: Record<string, number> = {}): MessageView[] {
    this.visibleChat(openId, chatId);
    const tz = this.timeZone;
    const time = (ms: number) => localDateTimeOf(ms, tz);
    const out: MessageView[] = [];
    for (const m of this.emulator.state.inbound) {
      if (m.chatId !== chatId) continue;
      out.push(this.userMessage(m, time));
    }
    for (const m of this.emulator.state.messages) {
      if (m.chatId !== chatId) continue;
      out.push(this.botMessage(m, time, have));
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  private userMessage(m: InboundMessage, time: (ms: number) => string): MessageView {
    const parentId = this.parentOf.get(m.messageId);
    const base = {
      id: m.messageId,
      seq: m.seq,
      from: m.senderOpenId,
      fromName: this.emulator.state.users.get(m.senderOpenId)?.name ?? m.senderOpenId,
      time: time(m.createTime),
      revision: 0,
      ...(parentId ? { parentId } : {}),
    };
    const resource = this.resourceView(m.msgType, m.content);
    if (resource) return { ...base, ...resource };
    return {
      ...base,
      kind: 'text',
      text: this.typed.get(m.messageId)?.text ?? textOf(m.content),
      mentions: this.typed.get(m.messageId)?.mentions ?? [],
    };
  }

  private botMessage(m: RecordedMessage, time: (ms: number) => string, have: Record<string, number>): MessageView {
    const base = {
      id: m.messageId,
      seq: m.seq,
      from: 'bot',
      fromName: BOT_NAME,
      time: time(m.createTime),
      revision: m.updates.length,
      ...(m.forwardedFrom ? { forwarded: true } : {}),
    };
    if (m.msgType === 'interactive')
      return { ...base, kind: 'card', ...(have[m.messageId] === m.updates.length ? {} : { card: m.content }) };
    if (m.msgType === 'text') return { ...base, kind: 'text', text: textOf(m.content) };
    const resource = this.resourceView(m.msgType, m.content);
    if (resource) return { ...base, ...resource };
    return { ...base, kind: 'other', text: `[${m.msgType}]` };
  }

  /**
   * A file or image message as the page shows it ([RECV] content `{"file_key","file_name"}` / `{"image_key"}`); the
   * bot's own uploads carry only the key, their name is the upload's.
   */
  private resourceView(msgType: string, content: unknown): Pick<MessageView, 'kind' | 'file' | 'image'> | undefined {
    if (!isObject(content)) return undefined;
    if (msgType === 'image' && typeof content.image_key === 'string')
      return { kind: 'image', image: { key: content.image_key } };
    if (msgType !== 'file' || typeof content.file_key !== 'string') return undefined;
    const key = content.file_key;
    const stored = this.stored(key);
    const name = typeof content.file_name === 'string' ? content.file_name : (stored?.fileName ?? key);
    return { kind: 'file', file: { key, name, ...(stored ? { size: stored.data.length } : {}) } };
  }

  /** What the emulator holds under a key: a user's file or image, or a file the bot uploaded. */
  private stored(key: string): StoredResource | undefined {
    const resource = this.emulator.state.resources.get(key);
    if (resource) return resource;
    const file = this.emulator.state.files.find((f) => f.fileKey === key);
    if (!file?.data) return undefined;
    return { key, type: 'file', fileName: file.fileName, data: file.data, origin: 'bot', at: file.at };
  }

  /** A file or image for the page to download or show (any persona may: the playground has nothing to hide). */
  file(key: string): StoredResource {
    const stored = this.stored(key);
    if (!stored) throw new PlaygroundError(`没有这个文件：${key}。 No such file: ${key}.`, 404);
    return stored;
  }

  /** The message a reply points at: one the page shows in this chat. */
  private parentIn(chatId: string, parentId: string): string {
    const { messages, inbound } = this.emulator.state;
    if (![...messages, ...inbound].some((m) => m.messageId === parentId && m.chatId === chatId))
      throw new PlaygroundError('要回复的消息不在这个会话里。 The message replied to is not in this chat.', 404);
    return parentId;
  }

  /**
   * A persona types in a chat. `text` carries `@_user_N` where the picker inserted a mention, `mentions` the open ids
   * in that order. In a group the bot hears only messages that @mention it, as on Feishu without the permission to
   * read every group message; the others are only shown.
   */
  async send(openId: string, chatId: string, text: string, mentions: string[] = [], parentId?: string): Promise<void> {
    const chat = this.visibleChat(openId, chatId);
    const parent = parentId ? this.parentIn(chatId, parentId) : undefined;
    const trimmed = text.trim();
    if (!trimmed) throw new PlaygroundError('消息是空的。 The message is empty.');
    const bot = this.emulator.config.botOpenId;
    const refs = mentions.map((id) => {
      const name = id === bot ? BOT_NAME : this.emulator.state.users.get(id)?.name;
      if (!name) throw new PlaygroundError(`提及的人不在：${id}。 No such person to mention: ${id}.`);
      return { open_id: id, name };
    });
    const shown = refs.reduce((t, r, i) => t.replaceAll(`@_user_${i + 1}`, `@${r.name}`), trimmed);
    const heard = chat.chatType === 'p2p' || mentions.includes(bot);
    if (!heard) {
      const m = this.emulator.recordInbound({
        messageId: `om_${randomBytes(16).toString('hex')}`,
        chatId,
        chatType: 'group',
        senderOpenId: openId,
        msgType: 'text',
        content: { text: trimmed },
      });
      this.typed.set(m.messageId, { text: shown, mentions: refs.map((r) => r.name) });
      return;
    }
    const delivery = await this.sender.messageReceived({
      sender: openId,
      text: trimmed,
      mentions: refs,
      ...(chat.chatType === 'group' ? { chatType: 'group' as const, chatId } : {}),
      ...(parent ? { parentId: parent } : {}),
    });
    const id = messageIdOf(delivery.payload);
    if (id) this.typed.set(id, { text: shown, mentions: refs.map((r) => r.name) });
    if (id && parent) this.parentOf.set(id, parent);
    await this.settle();
  }

  /**
   * A persona sends a file one-to-one, as the Feishu client does from its 📎: an image (by its type, image/*, when its
   * bytes are a format Lark shows as an image) as an image message, anything else as a file message with its name.
   * The emulator keeps the bytes for the bot to download [RES]. Only in the chat with the bot: in a group a file
   * cannot @mention the bot, so the bot would never hear it.
   */
  async sendFile(
    openId: string,
    chatId: string,
    upload: { name: string; type: string; bytes: Uint8Array },
    parentId?: string,
  ): Promise<void> {
    const chat = this.visibleChat(openId, chatId);
    if (chat.chatType !== 'p2p')
      throw new PlaygroundError(
        '文件只能在和赛道助手的单聊里发送。 Files can be sent only in the one-to-one chat with the bot.',
      );
    const parent = parentId ? this.parentIn(chatId, parentId) : undefined;
    if (upload.bytes.length === 0) throw new PlaygroundError('文件是空的。 The file is empty.');
    if (upload.bytes.length > MAX_UPLOAD_BYTES) throw tooLarge();
    // What a file system would show of the name: no control characters, no folders.
    const name = (upload.name.split(/[\\/]/).pop() ?? '').replace(/\p{Cc}/gu, '').trim();
    if (!name || [...name].length > 255)
      throw new PlaygroundError('文件名需要 1 到 255 个字。 A file name of 1 to 255 characters, please.');
    const image = upload.type.startsWith('image/') && sniffImage(upload.bytes) !== undefined;
    const delivery = await this.sender.messageReceived({
      sender: openId,
      ...(image ? { image: { bytes: upload.bytes } } : { file: { name, bytes: upload.bytes } }),
      ...(parent ? { parentId: parent } : {}),
    });
    const id = messageIdOf(delivery.payload);
    if (id && parent) this.parentOf.set(id, parent);
    await this.settle();
  }

  /** A persona clicks a (non-form) button the card shows, identified by its callback value. */
  async click(openId: string, messageId: string, value: Record<string, unknown>): Promise<ActionOutcome> {
    this.persona(openId);
    const message = this.shownCard(openId, messageId);
    const button = cardButtons(message).find((b) => b.value && JSON.stringify(b.value) === JSON.stringify(value));
    if (!button) return { error: 'This button is no longer on the card. / 卡片上已没有这个按钮。' };
    if (button.disabled) return { error: 'This button is disabled. / 按钮不可用。' };
    const delivery = await this.sender.cardAction({
      messageId,
      operator: openId,
      value,
      tag: 'button',
      ...(button.name ? { name: button.name } : {}),
    });
    await this.settle();
    return outcome(delivery);
  }

  /** A persona fills the card's form and presses one of its submit buttons. */
  async submit(
    openId: string,
    messageId: string,
    form: { form?: string; button?: string; fill: Record<string, unknown> },
  ): Promise<ActionOutcome> {
    this.persona(openId);
    this.shownCard(openId, messageId);
    let result: Awaited<ReturnType<FeishuClient['submitForm']>>;
    try {
      result = await this.client.submitForm(messageId, openId, {
        fill: form.fill,
        ...(form.form ? { form: form.form } : {}),
        ...(form.button ? { button: form.button } : {}),
      });
    } catch (err) {
      // What no client could send (an option the select does not offer, too long a text): say so, send nothing.
      const why = (err as Error).message.replace(/^client: /, '');
      return {
        error: `飞书客户端不会这样提交，未发送：${why} / Feishu's client would not send this, nothing was sent: ${why}`,
      };
    }
    if ('blocked' in result) return { missing: result.missing };
    await this.settle();
    return outcome(result);
  }

  private shownCard(openId: string, messageId: string) {
    const m = this.emulator.message(messageId);
    if (m?.msgType !== 'interactive')
      throw new PlaygroundError(
        '这张卡片已不在聊天里（可能刚生成了演示数据），请刷新页面。 This card is no longer in the chat (demo data may have started the chats afresh); reload the page.',
        404,
      );
    this.visibleChat(openId, m.chatId);
    return this.client.card(messageId);
  }

  /**
   * Moves the clock to a local wall-clock time in the competition's zone and runs the minute tick there (only there:
   * the minutes in between are not replayed).
   */
  async travel(local: string) {
    const at = parseLocal(local, this.timeZone);
    this.parts.clock.moveTo(at);
    const report = await this.parts.container.tick(at);
    await this.settle();
    return { now: at, local: localDateTimeOf(at, this.timeZone).replace(' ', 'T'), ...report };
  }

  /** Fills the database with the demo competition at the current instant and starts the chats afresh. */
  async seed() {
    const summary = await this.parts.seed(this.parts.clock.now());
    // Whatever the bot was still doing belongs to the chats being cleared.
    await this.parts.container.defer.idle();
    this.emulator.reset();
    this.generation++;
    this.typed.clear();
    this.parentOf.clear();
    return summary;
  }

  /** A new person: a member of the announcement group, known to nobody until the office binds them. */
  addPersona(name: string): PersonaView {
    const clean = name.trim().replace(/\s+/g, ' ');
    if (!clean || [...clean].length > 20)
      throw new PlaygroundError('请填写 1 到 20 个字的姓名。 A name of 1 to 20 characters, please.');
    const persona: Persona = {
      openId: `${DEMO_OPEN_ID_PREFIX}guest_${++this.added}_${randomBytes(3).toString('hex')}`,
      name: clean,
      roleWord: '未绑定',
      roleWordEn: 'not bound',
      role: { role: 'stranger' },
      boundAtStart: false,
    };
    this.personas.push(persona);
    this.emulator.addUser({ open_id: persona.openId, name: persona.name });
    const announcements = this.parts.cast.groups.find((g) => g.purpose === 'announcement');
    if (announcements) this.emulator.ensureGroupChat(announcements.chatId, [persona.openId]);
    return {
      openId: persona.openId,
      name: persona.name,
      label: personaLabel(persona),
      labelEn: `${clean} (not bound)`,
    };
  }

  /** A new group: the persona creates it with members and adds the bot, which Lark tells the bot about. */
  async addGroup(openId: string, name: string, members: string[]): Promise<string> {
    this.persona(openId);
    const clean = name.trim();
    if (!clean || [...clean].length > 60)
      throw new PlaygroundError('请填写 1 到 60 个字的群名称。 A group name of 1 to 60 characters, please.');
    const known = members.filter((m) => this.personas.some((p) => p.openId === m) && m !== openId);
    const chatId = `oc_demo_group_${randomBytes(6).toString('hex')}`;
    this.emulator.addChat(chatId, [openId, ...known], { name: clean, botIsMember: false });
    await this.sender.botAdded({ chatId, operator: openId, name: clean });
    await this.settle();
    return chatId;
  }

  /**
   * The office adds the bot to each of the cast's groups, and Lark tells the bot (im.chat.member.bot.added_v1): the
   * bot learns it is there, as it would in a real tenant, and greets the group.
   */
  async introduceBot(): Promise<void> {
    for (const g of this.parts.cast.groups)
      await this.sender.botAdded({ chatId: g.chatId, operator: this.parts.cast.office, name: g.name });
    await this.settle();
  }

  /**
   * Waits until the bot has finished what the last delivery started and has sent what it could send now, at most a few
   * seconds: a message Lark refused is retried by the outbox later (the drain every few seconds), not waited for.
   */
  async settle(budgetMs = 5_000): Promise<void> {
    const { container } = this.parts;
    const until = Date.now() + budgetMs;
    while (Date.now() < until) {
      await container.defer.idle();
      const report = await container.sender.drain(Math.max(100, until - Date.now()));
      await container.defer.idle();
      if (report.skipped === 'lease') await new Promise((r) => setTimeout(r, 50));
      else if (report.sent === 0) return;
    }
  }
}

/** Refused before it is read whole, as after: the same sentence (src/playground/routes.ts). */
export function tooLarge(): PlaygroundError {
  const mb = MAX_UPLOAD_BYTES / 1024 / 1024;
  return new PlaygroundError(
    `文件超过 ${mb} MB，飞书不能把它交给机器人，没有发送。 The file is larger than ${mb} MB, which Lark cannot hand to the bot; nothing was sent.`,
    413,
  );
}

function messageIdOf(payload: unknown): string | undefined {
  return (payload as { event?: { message?: { message_id?: string } } }).event?.message?.message_id;
}

function textOf(content: unknown): string {
  return isObject(content) && typeof content.text === 'string' ? content.text : '';
}

function outcome(delivery: { toast?: unknown; clientError?: number; problems?: string[] }): ActionOutcome {
  if (delivery.clientError)
    return {
      error: `Feishu would show error ${delivery.clientError}${delivery.problems?.length ? `: ${delivery.problems.join('; ')}` : ''}`,
    };
  return delivery.toast === undefined ? {} : { toast: delivery.toast };
}

/** `2024-04-08T09:30` (what `<input type="datetime-local">` gives) in the zone, as an instant. */
export function parseLocal(local: string, timeZone: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(local.trim());
  if (!m)
    throw new PlaygroundError(
      '请填写日期和时间，例如 2024-04-08T09:30。 A date and time such as 2024-04-08T09:30, please.',
    );
  const [, date, hh, mm] = m;
  if (Number(hh) > 23 || Number(mm) > 59) throw new PlaygroundError('时间不存在。 No such time of day.');
  return zonedInstant(date!, Number(hh) * 60 + Number(mm), timeZone);
}
