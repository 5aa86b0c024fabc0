import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { freshDatabase, type TestDatabase } from '../support/database';
import { testContainer } from '../support/container';

let migrated: TestDatabase;
let empty: TestDatabase;
beforeAll(async () => {
  migrated = await freshDatabase();
  empty = await freshDatabase({ migrate: false });
});
afterAll(async () => {
  await migrated.destroy();
  await empty.destroy();
});

describe('health and readiness', () => {
  it('/healthz answers 200 while the process is up', async () => {
    const res = await createApp(testContainer(migrated)).request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when the database is reachable and migrated', async () => {
    const res = await createApp(testContainer(migrated)).request('/readyz');
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('ready');
  });

  it('/readyz answers 503 while migrations are pending', async () => {
    const res = await createApp(testContainer(empty)).request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not_ready', reason: 'migrations pending' });
  });

  it('/readyz answers 503 when the database cannot be reached', async () => {
    const gone = await freshDatabase();
    await gone.destroy();
    const res = await createApp(testContainer(gone)).request('/readyz');
    expect(res.status).toBe(503);
    expect((await res.json()).reason).toBe('database unreachable');
  });
});

describe('the HTTP edge', () => {
  it('gives every request an id and writes one JSON log line for it', async () => {
    const container = testContainer(migrated);
    const res = await createApp(container).request('/healthz');
    const id = res.headers.get('x-request-id');
    expect(id).toBeTruthy();
    const line = container.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'request');
    expect(line).toMatchObject({ requestId: id, method: 'GET', path: '/healthz', status: 200, level: 'info' });
  });

  it('refuses bodies over 1 MB with 413', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const res = await createApp(testContainer(migrated)).request('/anything', { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await createApp(testContainer(migrated)).request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found' });
  });
});
