import type { NextApiHandler, NextApiRequest, NextApiResponse } from 'next';
import { createMocks, type RequestMethod } from 'node-mocks-http';

export interface Invocation {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  json: <T = Record<string, unknown>>() => T;
  /** Where `res.redirect()` sent the client (node-mocks-http records it apart from the headers). */
  redirect: string | undefined;
}

export interface InvokeOptions {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  /** Raw body bytes; sent once the handler starts reading (whenever that is). */
  body?: string | Buffer;
  query?: Record<string, string | string[]>;
}

/** Runs a pages/api handler in-process with node-mocks-http and returns what it answered. */
export async function invoke(handler: NextApiHandler, options: InvokeOptions = {}): Promise<Invocation> {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  const { req, res } = createMocks<NextApiRequest, NextApiResponse>({
    method: (options.method ?? 'GET') as RequestMethod,
    url: options.url ?? '/',
    headers,
    query: options.query ?? {},
  });
  if (body) {
    // raw-body attaches its 'end' listener when the handler starts reading: send the bytes then.
    const on = req.on.bind(req);
    let sent = false;
    req.on = ((event: string, listener: (...args: unknown[]) => void) => {
      on(event, listener);
      if (event === 'end' && !sent) {
        sent = true;
        process.nextTick(() => (req as unknown as { send(b: Buffer): void }).send(body));
      }
      return req;
    }) as typeof req.on;
  }
  // node-mocks-http's write() returns undefined, which a streaming handler reads as "buffer full, wait
  // for 'drain'" (a drain that never comes): answer as a socket with room to spare does. It also keeps
  // Buffers apart from strings, losing their order: hand it text.
  const write = res.write.bind(res) as (...args: unknown[]) => unknown;
  res.write = ((chunk: unknown, ...rest: unknown[]) => (write(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk, ...rest), true)) as typeof res.write;
  await handler(req, res);
  const mock = res as unknown as {
    _getData(): string | Buffer;
    _getHeaders(): Record<string, string | string[] | number | undefined>;
    _getStatusCode(): number;
    _getRedirectUrl(): string;
  };
  const data = mock._getData();
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data ?? '');
  return {
    status: mock._getStatusCode(),
    headers: mock._getHeaders(),
    text,
    json: <T>() => JSON.parse(text) as T,
    redirect: mock._getRedirectUrl() || undefined,
  };
}
