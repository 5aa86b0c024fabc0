/**
 * The error answers the emulator gives, with the HTTP status and code the real platform uses.
 * Sources: [ERR] server error codes, [SEND]/[PATCH]/[DELAY] per-API tables, [TAT], and a probe of the live
 * gateway (HTTP 400 + `error.log_id` for auth failures, HTTP 200 for token-exchange failures).
 */

export const LarkCode = {
  ok: 0,
  /** Token exchange with malformed or unknown app id [TAT]. */
  invalidParam: 10003,
  /** Token exchange with the wrong secret [TAT]. */
  appSecretInvalid: 10014,
  /** Internal error; the emulator uses it for injected 5xx faults. */
  internal: 1500,
  /**
   * Delayed update: the card is too large [DELAY]. The page's error table says 「卡片内容转换后超过 100 KB」; its
   * usage limits now say 「卡片大小需控制在 30KB 以内」, and the emulator refuses past 30 KB with this, its only size code.
   * https://open.feishu.cn/document/server-docs/im-v1/message-card/delay-update-message-card
   */
  cardTooLarge: 100000,
  /** Delayed update: 「卡片格式不符合要求」 (same page), for a card a send would refuse with 230099. */
  cardFormatInvalid: 11311,
  /** Delayed update: token format invalid / not issued / expired / used too often [DELAY]. */
  cardTokenFormat: 300020,
  cardTokenExpired: 300030,
  cardTokenOverused: 300040,
  /** IM message API errors [SEND][PATCH]. */
  messageParam: 230001,
  botNotInChat: 230002,
  noAvailability: 230013,
  messageRateLimited: 230020,
  contentTooLong: 230025,
  messageTooOld: 230031,
  userStoppedBot: 230053,
  cardBuildFailed: 230099,
  /** Chat API errors. */
  chatIdInvalid: 232006,
  operatorNotInChat: 232011,
  fileTooLarge: 234006,
  /** Resources [RES][IMG] (see resources.ts): invalid param, key not in the message, bot not in the message's chat. */
  resourceParam: 234001,
  fileNotInMessage: 234003,
  appNotInChat: 234004,
  /** [IMG] 「File's size can't be 0.」 / 「Can't regonnize the image format.」 (sic) / resolution over the limit. */
  fileEmpty: 234010,
  imageFormatUnknown: 234011,
  imageResolution: 234039,
  /** [RES] over 100 MB; unsupported message type (cards, merged forwards, stickers). */
  downloadTooLarge: 234037,
  resourceMessageType: 234043,
  /** Gateway errors [ERR][RATE]. */
  frequencyLimit: 99991400,
  tokenMissing: 99991661,
  tokenInvalid: 99991663,
  fieldValidation: 99992402,
} as const;

export type LarkCodeValue = (typeof LarkCode)[keyof typeof LarkCode];

/** A refusal with the platform's status, code and message; `app.onError` turns it into the JSON answer. */
export class LarkApiError extends Error {
  constructor(
    readonly status: 200 | 400 | 429 | 500,
    readonly code: LarkCodeValue,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'LarkApiError';
  }
}

/** Business errors of the newer Open APIs come back as HTTP 400 with the code in the body [SEND]. */
export const badRequest = (code: LarkCodeValue, msg: string) => new LarkApiError(400, code, msg);

export const fieldValidation = (field: string, description: string) =>
  badRequest(LarkCode.fieldValidation, `field validation failed: ${field}: ${description}`);

export const MSG = {
  tokenMissing: 'Missing access token for authorization. Please make a request with token attached.',
  tokenInvalid: 'Invalid access token for authorization. Please make a request with token attached.',
  frequencyLimit: 'request trigger frequency limit',
  botNotInChat: 'Bot/User can NOT be out of the chat.',
  noAvailability: 'Bot has NO availability to this user.',
  userStoppedBot: 'The user has stopped the bot from sending messages.',
  contentTooLong: 'message content too long',
  messageTooOld: 'The message can only be updated within 14 days after it was sent.',
  internal: 'internal error',
  invalidMessageId: 'Your request contains an invalid request parameter, ext=invalid message_id.',
  resourceParam: 'Invalid request param.',
  fileNotInMessage: 'File not in message.',
  appNotInChat: 'App not in chat.',
  downloadTooLarge: 'Downloaded file size exceeds limit.',
  resourceMessageType: 'Unsupported message type.',
  fileTooLarge: 'The file size exceed the max value.',
  fileEmpty: "File's size can't be 0.",
  imageFormatUnknown: "Can't regonnize the image format.",
  imageResolution: 'Image resolution exceeds limit.',
} as const;
