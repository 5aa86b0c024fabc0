/**
 * What the playground's API answers (src/playground/routes.ts) and the page reads (app.ts): one set of types for both
 * sides. Types and one limit only, so the browser bundle carries nothing of the server.
 */

/**
 * The largest file a persona can send: Lark lets an app download message resources up to 100 MB (「仅支持下载 100 MB
 * 以内的资源文件」, https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-resource/get), so a
 * larger file could never reach the bot. The page checks it before uploading; the API refuses it again.
 */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export interface PersonaView {
  openId: string;
  name: string;
  label: string;
  labelEn: string;
}

export interface ChatView {
  chatId: string;
  name: string;
  kind: 'p2p' | 'group';
  members: { openId: string; name: string }[];
  /** Messages in the chat, both directions: the page counts what arrived elsewhere as unread. */
  count: number;
}

export interface MessageView {
  id: string;
  seq: number;
  /** `bot`, or the sender's open id. */
  from: string;
  fromName: string;
  /** Local time in the competition's time zone. */
  time: string;
  kind: 'text' | 'card' | 'file' | 'image' | 'other';
  /** Times the content changed (PATCH, callback answer, delayed update); the page redraws when it grows. */
  revision: number;
  text?: string;
  /** Names @mentioned in a user's text (shown as `@name` in it), for the page to mark them as Feishu does. */
  mentions?: string[];
  /** Only when the page does not have this revision yet. */
  card?: unknown;
  /** A file message (the bot's, a user's, or one the bot forwarded): download it from `/playground/api/files/:key`. */
  file?: { key: string; name: string; size?: number };
  /** An image message: its bytes from the same route. */
  image?: { key: string };
  /** The bot forwarded this message from elsewhere (转发): opening an attached file does. */
  forwarded?: boolean;
  /** The message a user's message replies to (the page's 「回复」 on a card). */
  parentId?: string;
}

/** What a click or a form submission came to. */
export interface ActionOutcome {
  toast?: unknown;
  /** The client refused to send (a required field left empty), as Feishu's client does. */
  missing?: string[];
  /** What went wrong, for the page to show (never a stack). */
  error?: string;
}

/** The world as one persona sees it: who can be played, their chats, the playground's clock. */
export interface PlaygroundState {
  now: number;
  /** The clock in the competition's time zone, as `<input type="datetime-local">` takes it. */
  local: string;
  timeZone: string;
  competition: string;
  botName: string;
  botOpenId: string;
  personas: PersonaView[];
  chats: ChatView[];
  /** Changes whenever a message arrives or changes. */
  version: number;
}
