/**
 * A fetch-based HTTP instance for the node-sdk (its default is axios, which needs a fetch adapter on Workers and has
 * no timeout by default) (larksuite/node-sdk#28). It resolves to the response body, as the SDK expects,
 * and throws LarkHttpError with the status, the body and the headers on a non-2xx answer (Lark uses HTTP 400 for
 * many business errors and 429 with `x-ogw-ratelimit-reset` for rate limits
 * (https://open.larksuite.com/document/ukTMukTMukTM/uUzN04SN3QjL1cDN)).
 */

export class LarkHttpError extends Error {
  constructor(
    readonly status: number,
    readonly data: unknown,
    readonly headers: Headers,
  ) {
    super(`HTTP ${status}`);
    this.name = 'LarkHttpError';
  }
}

interface RequestOptions {
  url?: string;
  method?: string;
  headers?: Record<string, unknown>;
  params?: Record<string, unknown>;
  data?: unknown;
  responseType?: string;
  timeout?: number;
  $return_headers?: boolean;
  [other: string]: unknown;
}

function withParams(url: string, params: Record<string, unknown> | undefined): string {
  if (!params) return url;
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    for (const item of Array.isArray(v) ? v : [v]) search.append(k, String(item));
  }
  const qs = search.toString();
  return qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url;
}

function multipart(data: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || v === null) continue;
    if (v instanceof Uint8Array) form.append(k, new Blob([v as BufferSource]), String(data.file_name ?? k));
    else if (v instanceof Blob) form.append(k, v);
    else form.append(k, String(v));
  }
  return form;
}

/**
 * `timeoutMs` bounds every call; uploads (multipart) get `uploadTimeoutMs` instead: a records export can be tens of
 * megabytes, which 10 s would cut short on an ordinary uplink.
 */
export function createFetchHttpInstance(timeoutMs: number, fetchImpl: typeof fetch = fetch, uploadTimeoutMs = 120_000) {
  async function request(opts: RequestOptions): Promise<any> {
    const method = (opts.method ?? 'GET').toUpperCase();
    const headers = new Headers();
    for (const [k, v] of Object.entries(opts.headers ?? {}))
      if (v !== undefined && v !== null) headers.set(k, String(v));
    let body: BodyInit | undefined;
    let upload = false;
    if (opts.data !== undefined && method !== 'GET' && method !== 'HEAD') {
      if ((headers.get('content-type') ?? '').includes('multipart/form-data')) {
        headers.delete('content-type'); // fetch sets the boundary
        body = multipart(opts.data as Record<string, unknown>);
        upload = true;
      } else {
        headers.set('content-type', 'application/json; charset=utf-8');
        body = JSON.stringify(opts.data);
      }
    }
    // A download (`responseType: 'stream'`, as the SDK asks for message resources) gets the upload's time: a
    // 100 MB resource is more than 10 s on an ordinary link.
    const stream = opts.responseType === 'stream';
    const res = await fetchImpl(withParams(opts.url ?? '', opts.params), {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(
        opts.timeout ?? (upload || stream ? Math.max(timeoutMs, uploadTimeoutMs) : timeoutMs),
      ),
    });
    // The body is handed over unread (a web ReadableStream): the caller counts or drops it without keeping it.
    if (stream && res.ok) return { data: res.body, headers: Object.fromEntries(res.headers) };
    const text = await res.text();
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      // Not JSON (a proxy's error page): keep the text for the error message.
    }
    if (!res.ok) throw new LarkHttpError(res.status, data, res.headers);
    return opts.$return_headers ? { data, headers: Object.fromEntries(res.headers) } : data;
  }
  const withBody =
    (method: string) =>
    (url: string, data?: unknown, opts: RequestOptions = {}) =>
      request({ ...opts, url, method, data });
  const withoutBody =
    (method: string) =>
    (url: string, opts: RequestOptions = {}) =>
      request({ ...opts, url, method });
  return {
    request,
    get: withoutBody('GET'),
    delete: withoutBody('DELETE'),
    head: withoutBody('HEAD'),
    options: withoutBody('OPTIONS'),
    post: withBody('POST'),
    put: withBody('PUT'),
    patch: withBody('PATCH'),
  };
}
