/**
 * What the playground's API answers (src/playground/routes.ts) and the page reads (app.ts): one set of types for both
 * sides. Types only, so the browser bundle carries nothing of the server.
 */

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
  kind: 'text' | 'card' | 'file' | 'other';
  /** Times the content changed (PATCH, callback answer, delayed update); the page redraws when it grows. */
  revision: number;
  text?: string;
  /** Names @mentioned in a user's text (shown as `@name` in it), for the page to mark them as Feishu does. */
  mentions?: string[];
  /** Only when the page does not have this revision yet. */
  card?: unknown;
  file?: { key: string; name: string };
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
