/**
 * The playground's HTTP surface on the bot's own port: the page at `/`, its assets, and a small JSON API under
 * `/playground/api/` that the page calls for each thing a persona does. Bad input gets a 400 with a sentence in
 * Chinese and English, never a 500.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { PageAssets } from './assets';
import { PlaygroundError, type Playground } from './playground';
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
});
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
    async (c: { req: { json(): Promise<unknown> }; json(body: unknown, status?: 200 | 400 | 404): Response }) => {
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
      await playground.send(b.persona, b.chat, b.text, b.mentions);
      return { ok: true };
    }),
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
      return c.body(file.data as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      });
    } catch (err) {
      if (err instanceof PlaygroundError) return c.json({ error: err.message }, err.status);
      throw err;
    }
  });
}
