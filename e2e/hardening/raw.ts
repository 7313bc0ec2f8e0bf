// A raw HTTP client for hardening tests: sends the method, path and header bytes it is given (fetch
// would normalise them), gives up on a response after a deadline, and stops reading event streams
// once their headers have arrived.
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

export function raw(base: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: { ...r.headers, ...(r.body !== undefined ? { 'content-length': String(Buffer.byteLength(r.body)) } : {}) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started });
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.destroy();
          return done();
        }
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', done);
        res.on('error', reject);
      },
    );
    req.setTimeout(r.timeoutMs ?? 15_000, () => req.destroy(new Error(`no answer to ${r.method} ${r.path} within ${r.timeoutMs ?? 15_000} ms`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

export interface ProblemCheck {
  ok: boolean;
  why?: string;
}

/**
 * The house rule for every error: application/problem+json whose status matches the response and
 * whose requestId is the X-Request-Id header (HEAD answers carry the headers only).
 */
export function checkProblem(method: string, res: RawResponse): ProblemCheck {
  const requestId = res.headers['x-request-id'];
  if (!requestId) return { ok: false, why: 'no X-Request-Id header' };
  if (res.status < 400) return { ok: true };
  if (res.headers['content-type'] !== 'application/problem+json; charset=utf-8') return { ok: false, why: `content-type ${res.headers['content-type']}` };
  if (method === 'HEAD') return { ok: true };
  let body: { status?: unknown; type?: unknown; title?: unknown; requestId?: unknown };
  try {
    body = JSON.parse(res.body);
  } catch {
    return { ok: false, why: 'body is not JSON' };
  }
  if (body.status !== res.status) return { ok: false, why: `body status ${String(body.status)}` };
  if (typeof body.type !== 'string' || !/^\/problems\/[a-z-]+$/.test(body.type)) return { ok: false, why: `type ${String(body.type)}` };
  if (typeof body.title !== 'string') return { ok: false, why: 'no title' };
  if (body.requestId !== requestId) return { ok: false, why: `requestId ${String(body.requestId)} ≠ header ${String(requestId)}` };
  return { ok: true };
}
