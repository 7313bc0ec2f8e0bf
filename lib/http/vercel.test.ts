import { NextRequest } from 'next/server';
import { middleware } from '../../middleware';
import { invoke } from '../test/http';
import type webhookRoute from '../../pages/api/webhooks/github';
import { VERCEL_BODY_LIMIT } from './vercel';

const saved = process.env.VERCEL;
afterEach(() => {
  if (saved === undefined) delete process.env.VERCEL;
  else process.env.VERCEL = saved;
});

const webhook = (length: number) =>
  new NextRequest('https://shiplog.example/api/webhooks/github', {
    method: 'POST',
    headers: { 'content-length': String(length), 'content-type': 'application/json', 'x-github-event': 'release' },
  });

describe('webhook bodies over Vercel’s 4.5 MB', () => {
  it('are answered 413 problem+json by the middleware on Vercel, naming the limit and why', async () => {
    process.env.VERCEL = '1';
    const res = middleware(webhook(VERCEL_BODY_LIMIT + 1));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await res.json();
    expect(problem).toMatchObject({ status: 413, type: '/problems/payload-too-large', limit: VERCEL_BODY_LIMIT, instance: '/api/webhooks/github' });
    expect(problem.detail).toContain('4.5 MB');
  });

  it('go on untouched under the limit, and anywhere but on Vercel', () => {
    process.env.VERCEL = '1';
    expect(middleware(webhook(VERCEL_BODY_LIMIT)).headers.get('x-middleware-next')).toBe('1');
    delete process.env.VERCEL;
    expect(middleware(webhook(20 * 1024 * 1024)).headers.get('x-middleware-next')).toBe('1');
  });

  it('are refused 413 problem+json by the route on Vercel when no length was declared (chunked)', async () => {
    process.env.VERCEL = '1';
    let handler: typeof webhookRoute | undefined;
    jest.isolateModules(() => {
      // A fresh copy of the route that reads VERCEL as set above: isolateModules needs a synchronous require.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = require('../../pages/api/webhooks/github').default;
    });
    const body = JSON.stringify({ action: 'published', padding: 'x'.repeat(VERCEL_BODY_LIMIT) });
    const r = await invoke(handler!, {
      method: 'POST',
      url: '/api/webhooks/github',
      headers: { 'content-type': 'application/json', 'x-github-event': 'release', 'x-github-delivery': 'd-1', 'transfer-encoding': 'chunked', 'content-length': '' },
      body,
    });
    expect(r.status).toBe(413);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json<{ detail: string }>().detail).toContain('Vercel Functions accept request bodies up to 4.5 MB');
  });
});
