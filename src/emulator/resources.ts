/**
 * Message resources (files and images in chat messages): the rules the platform applies to them, as pure functions
 * the PlatformModel uses for uploads, downloads and image messages.
 *
 * [RES] 获取消息中的资源文件, GET /open-apis/im/v1/messages/:message_id/resources/:file_key?type=image|file
 *   https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-resource/get
 *   (the same page: https://open.larkoffice.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-resource/get.md)
 *   「仅支持下载 100 MB 以内的资源文件」「暂不支持获取表情包资源」「暂不支持获取合并转发消息中的子消息、卡片消息中的资源文件…
 *   返回错误码 234043」; `type`: 「image：对应消息中的图片或富文本消息中的图片」「file：对应消息中的文件、音频、视频（表情包除外）」;
 *   「文件类型可通过响应头（Response Header）中的 Content-Type 字段获取」; errors (all HTTP 400): 234001 Invalid request param,
 *   234003 File not in message, 234004 App not in chat, 234037 Downloaded file size exceeds limit, 234043 Unsupported
 *   message type.
 * [IMG] 上传图片, POST /open-apis/im/v1/images (multipart: image_type=message|avatar, image)
 *   https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/image/create
 *   (https://open.larkoffice.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/image/create.md)
 *   「上传的图片大小不能超过 10 MB，且不支持上传大小为 0 的图片」; JPG、JPEG、PNG、WEBP、GIF、BMP、ICO、TIFF、HEIC; 「GIF 图片分辨率不能超过
 *   2000 x 2000，其他图片分辨率不能超过 12000 x 12000」「用于设置头像的图片分辨率不能超过 4096 x 4096」; errors (HTTP 400):
 *   234001 Invalid request param, 234006 The file size exceed the max value, 234010 File's size can't be 0,
 *   234011 Can't regonnize the image format (sic), 234039 Image resolution exceeds limit.
 * [FWD] 转发消息, POST /open-apis/im/v1/messages/:message_id/forward?receive_id_type=…
 *   https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/forward
 *   (https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/forward.md)
 *   「向用户转发消息，需要机器人对用户有可用性」「向群组转发消息，需要机器人在群组中」「不支持红包、投票、语音、日程转让等消息类型」
 *   「向同一用户发送消息的限频为 5 QPS，向同一群组发送消息的限频为群内机器人共享 5 QPS」; 1000/min, 50/s per app.
 * [RECV] 接收消息 content of file and image messages: `{"file_key","file_name"}` and `{"image_key"}`
 *   https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/events/message_content
 */

const MB = 1024 * 1024;

/** [RES] 「仅支持下载 100 MB 以内的资源文件」 → 234037. */
export const MAX_DOWNLOAD_BYTES = 100 * MB;
/** [IMG] 「上传的图片大小不能超过 10 MB」 → 234006. */
export const MAX_IMAGE_BYTES = 10 * MB;

export type ResourceType = 'image' | 'file';
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'ico' | 'tiff' | 'heic';

/** A file or image the platform holds: uploaded by the bot, or sent by a user in a message. */
export interface StoredResource {
  key: string;
  type: ResourceType;
  /** Files: the name shown in the chat; images have none. */
  fileName?: string;
  data: Uint8Array;
  /** Images: the sniffed format. */
  format?: ImageFormat;
  /** Who put it there. */
  origin: 'bot' | 'user';
  at: number;
}

const MIME: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  tiff: 'image/tiff',
  heic: 'image/heic',
};

/** [IMG] the formats the upload accepts, told by their leading bytes (the platform ignores names); else 234011. */
export function sniffImage(bytes: Uint8Array): ImageFormat | undefined {
  const at = (i: number, ...values: number[]) => values.every((v, j) => bytes[i + j] === v);
  const ascii = (i: number, s: string) => at(i, ...[...s].map((c) => c.charCodeAt(0)));
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (ascii(0, 'BM') && bytes.length > 14) return 'bmp';
  if (at(0, 0x00, 0x00, 0x01, 0x00)) return 'ico';
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (ascii(4, 'ftyp') && ['heic', 'heix', 'mif1', 'msf1', 'heim', 'heis'].some((b) => ascii(8, b))) return 'heic';
  return undefined;
}

/** Width and height where the header tells them cheaply (PNG, GIF, BMP, WebP VP8X); otherwise undefined. */
export function imageSize(bytes: Uint8Array, format: ImageFormat): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png' && bytes.length >= 24) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (format === 'gif' && bytes.length >= 10)
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  if (format === 'bmp' && bytes.length >= 26)
    return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  if (format === 'webp' && bytes.length >= 30 && String.fromCharCode(...bytes.subarray(12, 16)) === 'VP8X') {
    const u24 = (i: number) => (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  return undefined;
}

/** [IMG] resolution limits: GIF 2000×2000, others 12000×12000, avatars 4096×4096 (234039). */
export function resolutionLimit(format: ImageFormat, imageType: 'message' | 'avatar'): number {
  if (imageType === 'avatar') return 4096;
  return format === 'gif' ? 2000 : 12000;
}

/** [RES] 「文件类型可通过响应头中的 Content-Type 字段获取」: the image's type, or the file's by its extension. */
export function contentTypeOf(resource: StoredResource): string {
  if (resource.format) return MIME[resource.format];
  const ext = /\.([a-z0-9]+)$/i.exec(resource.fileName ?? '')?.[1]?.toLowerCase() ?? '';
  return FILE_MIME[ext] ?? 'application/octet-stream';
}

const FILE_MIME: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  mp4: 'video/mp4',
  opus: 'audio/opus',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
};

/** `attachment; filename="…"; filename*=UTF-8''…`, the name a download is saved under. */
export function contentDisposition(resource: StoredResource): string {
  const name =
    resource.fileName ?? `${resource.key}.${resource.format === 'jpeg' ? 'jpg' : (resource.format ?? 'bin')}`;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * The resource keys a message's content carries, by the `type` that fetches them [RES][RECV]: image messages'
 * `image_key` and images in rich text (`img` elements) are `image`; file, audio and video (`media`) messages'
 * `file_key` are `file` (a video's cover `image_key` is an `image`).
 */
export function resourceKeys(msgType: string, content: unknown): Map<string, ResourceType> {
  const keys = new Map<string, ResourceType>();
  if (!isRecord(content)) return keys;
  if (msgType === 'image' && typeof content.image_key === 'string') keys.set(content.image_key, 'image');
  if (msgType === 'file' || msgType === 'audio' || msgType === 'media') {
    if (typeof content.file_key === 'string') keys.set(content.file_key, 'file');
    if (msgType === 'media' && typeof content.image_key === 'string') keys.set(content.image_key, 'image');
  }
  if (msgType === 'post') collectPostImages(content, keys);
  return keys;
}

function collectPostImages(node: unknown, keys: Map<string, ResourceType>): void {
  if (Array.isArray(node)) for (const item of node) collectPostImages(item, keys);
  else if (isRecord(node)) {
    if (node.tag === 'img' && typeof node.image_key === 'string') keys.set(node.image_key, 'image');
    for (const value of Object.values(node)) if (typeof value === 'object') collectPostImages(value, keys);
  }
}

/** [RES] 234043: cards, merged forwards (and their sub-messages) and stickers hold no downloadable resource. */
export const UNSUPPORTED_RESOURCE_MSG_TYPES = new Set(['interactive', 'merge_forward', 'sticker']);

/** [FWD] 「不支持红包、投票、语音、日程转让等消息类型」: of the types the emulator knows, audio (语音). */
export const UNFORWARDABLE_MSG_TYPES = new Set(['audio', 'hongbao', 'vote', 'share_calendar_event']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
