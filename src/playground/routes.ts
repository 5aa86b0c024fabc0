/**
 * The playground's HTTP surface on the bot's own port: the page at `/`, its assets, and a small JSON API under
 * `/playground/api/` that the page calls for each thing a persona does (a file sent with 📎 comes as multipart form
 * data, limited to what Lark lets the bot download). Bad input gets a 400 (too large a file a 413) with a sentence in
 * Chinese and English, never a 500.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { contentDisposition, contentTypeOf } from '../emulator/resources';
import type { PageAssets } from './assets';
import { PlaygroundError, tooLarge, type Playground } from './playground';
import { MAX_UPLOAD_BYTES } from './web/api';
import { pageHtml } from './web/page';

const persona = z.string().regex(/^ou_[A-Za-z0-9_-]{1,80}$/);
const chat = z.string().regex(/^oc_[A-Za-z0-9_-]{1,80}$/);
const messageId = z.string().regex(/^om_[A-Za-z0-9_-]{1,80}$/);

const viewBody = z.object({ persona, chat, have: z.record(z.string(), z.number().int()).default({}) });
const sendBody = z.object({
  persona,
  chat,
  text: z.string().max(4_000),
  mentions: z.array(z.string()).max(20).default([]),
  parentId: messageId.optional(),
});
/** The fields of `send-file` beside the file (multipart/form-data; an empty parentId is none). */
const sendFileFields = z.object({
  persona,
  chat,
  parentId: z.preprocess((v) => (v === '' ? undefined : v), messageId.optional()),
});
/** Room for the multipart framing and the other fields around the file. */
const MULTIPART_SLACK = 64 * 1024;
const clickBody = z.object({ persona, messageId, value: z.record(z.string(), z.unknown()) });
const submitBody = z.object({
  persona,
  messageId,
  form: z.string().max(100).optional(),
  button: z.string().max(100).optional(),
  fill: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.boolean()])).default({}),
});
const clockBody = z.object({ local: z.string().max(40) });
const personaBody = z.object({ name: z.string().max(100) });
const groupBody = z.object({ persona, name: z.string().max(200), members: z.array(z.string()).max(50).default([]) });

export function mountPlaygroundRoutes(app: Hono, playground: Playground, assets: PageAssets): void {
  app.get('/', (c) => c.html(pageHtml()));
  app.get('/playground/app.js', (c) =>
    c.body(assets.appJs, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  app.get('/playground/vchart.js', (c) =>
    c.body(assets.vchartJs, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' }),
  );

  const api =
    <S extends z.ZodType>(schema: S, run: (body: z.output<S>) => Promise<unknown> | unknown) =>
    async (c: { req: { json(): Promise<unknown> }; json(body: unknown, status?: 200 | 400 | 404 | 413): Response }) => {
      let raw: unknown;
      try {
        raw = await c.req.json();
      } catch {
        return c.json({ error: '请求不是 JSON。 / The request is not JSON.' }, 400);
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success)
        return c.json(
          { error: `请求有误：${parsed.error.issues.map((i) => i.path.join('.')).join('、')} / Bad request` },
          400,
        );
      try {
        return c.json((await run(parsed.data)) ?? {});
      } catch (err) {
        if (err instanceof PlaygroundError) return c.json({ error: err.message }, err.status);
        throw err;
      }
    };

  app.get('/playground/api/state', (c) => {
    const who = persona.safeParse(c.req.query('persona'));
    const id = who.success ? who.data : playground.firstPersona();
    try {
      return c.json(playground.state(id));
    } catch (err) {
      if (err instanceof PlaygroundError) return c.json(playground.state(playground.firstPersona()));
      throw err;
    }
  });
  app.post(
    '/playground/api/view',
    api(viewBody, (b) => ({ version: playground.version(), messages: playground.messages(b.persona, b.chat, b.have) })),
  );
  app.post(
    '/playground/api/send',
    api(sendBody, async (b) => {
      await playground.send(b.persona, b.chat, b.text, b.mentions, b.parentId);
      return { ok: true };
    }),
  );
  const refuse = (c: Context, err: unknown) => {
    if (err instanceof PlaygroundError) return c.json({ error: err.message }, err.status);
    throw err;
  };
  app.post(
    '/playground/api/send-file',
    // Decided from Content-Length before anything is read when the client declares it; counted as it streams if not.
    bodyLimit({ maxSize: MAX_UPLOAD_BYTES + MULTIPART_SLACK, onError: (c) => refuse(c, tooLarge()) }),
    async (c) => {
      let form: FormData;
      try {
        form = await c.req.formData();
      } catch {
        return c.json({ error: '请求不是 multipart/form-data。 / The request is not multipart/form-data.' }, 400);
      }
      const fields = sendFileFields.safeParse(Object.fromEntries([...form].filter(([, v]) => typeof v === 'string')));
      const file = form.get('file');
      if (!fields.success || !(file instanceof File)) {
        const bad = [
          ...(fields.error?.issues.map((i) => i.path.join('.')) ?? []),
          ...(file instanceof File ? [] : ['file']),
        ];
        return c.json({ error: `请求有误：${bad.join('、')} / Bad request` }, 400);
      }
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const f = fields.data;
        await playground.sendFile(f.persona, f.chat, { name: file.name, type: file.type, bytes }, f.parentId);
        return c.json({ ok: true });
      } catch (err) {
        return refuse(c, err);
      }
    },
  );
  app.post(
    '/playground/api/click',
    api(clickBody, (b) => playground.click(b.persona, b.messageId, b.value)),
  );
  app.post(
    '/playground/api/submit',
    api(submitBody, (b) =>
      playground.submit(b.persona, b.messageId, {
        fill: b.fill,
        ...(b.form ? { form: b.form } : {}),
        ...(b.button ? { button: b.button } : {}),
      }),
    ),
  );
  app.post(
    '/playground/api/clock',
    api(clockBody, (b) => playground.travel(b.local)),
  );
  app.post(
    '/playground/api/demo-seed',
    api(z.object({}), () => playground.seed()),
  );
  app.post(
    '/playground/api/personas',
    api(personaBody, (b) => playground.addPersona(b.name)),
  );
  app.post(
    '/playground/api/groups',
    api(groupBody, async (b) => ({ chatId: await playground.addGroup(b.persona, b.name, b.members) })),
  );
  app.get('/playground/api/files/:key', (c) => {
    try {
      const file = playground.file(c.req.param('key'));
      // Users' files are served back to the page: the type by the name's extension or the image's sniffed bytes (never
      // HTML or SVG), a download, and nothing in it may run.
      return c.body(file.data as Uint8Array<ArrayBuffer>, 200, {
        'content-type': contentTypeOf(file),
        'content-disposition': contentDisposition(file),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      });
    } catch (err) {
      return refuse(c, err);
    }
  });
}
