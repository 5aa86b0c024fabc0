/**
 * The SDK's HTTP instance (src/lark/http.ts): every call is bounded, uploads by a longer bound than the rest, so that
 * a large records export is not cut off while an ordinary call still fails fast.
 */
import { describe, expect, it } from 'vitest';
import { createFetchHttpInstance } from '../../src/lark/http';

/** A server that answers after `ms`, unless the request is aborted first. */
const slowFetch = (ms: number): typeof fetch =>
  ((_url: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => resolve(new Response('{"code":0}', { status: 200 })), ms);
      init.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(init.signal!.reason);
      });
    })) as typeof fetch;

describe('timeouts of the Lark HTTP instance', () => {
  it('an ordinary call gives up at its bound; an upload to the same slow server gets its longer bound', async () => {
    const http = createFetchHttpInstance(30, slowFetch(120), 2_000);
    await expect(
      http.post('https://open.example/open-apis/im/v1/messages', { msg_type: 'text' }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    const upload = http.post(
      'https://open.example/open-apis/im/v1/files',
      { file_type: 'xls', file_name: 'a.xlsx', file: new Uint8Array([1, 2, 3]) },
      { headers: { 'content-type': 'multipart/form-data' } },
    );
    await expect(upload).resolves.toEqual({ code: 0 });
  });
});
