import type { NextApiRequest, NextApiResponse } from 'next';
import { createMocks } from 'node-mocks-http';
import { versionedMethodRouter } from '../http/method-router';
import { useTestDatabase } from '../test/db';
import { getStream } from './sse';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
useTestDatabase();
jest.setTimeout(120_000);

const stream = versionedMethodRouter({ GET: getStream });

/** Opens a stream in-process for a client address; the response stays open until `close()`. */
async function open(address: string) {
  const { req, res } = createMocks<NextApiRequest, NextApiResponse>({ method: 'GET', url: '/api/v2/stream', headers: { 'x-forwarded-for': address }, query: { version: 'v2' } });
  const write = res.write.bind(res) as (...args: unknown[]) => unknown;
  res.write = ((...args: unknown[]) => (write(...args), true)) as typeof res.write;
  await stream(req, res);
  return {
    status: res._getStatusCode(),
    headers: res._getHeaders(),
    body: String(res._getData()),
    close: () => {
      req.emit('close');
      res.emit('close');
    },
  };
}

describe('concurrent streams per client', () => {
  beforeAll(() => {
    process.env.SHIPLOG_TRUST_PROXY = '1';
    process.env.SHIPLOG_STREAMS_PER_CLIENT = '3';
  });
  afterAll(() => {
    delete process.env.SHIPLOG_TRUST_PROXY;
    delete process.env.SHIPLOG_STREAMS_PER_CLIENT;
  });

  it('refuses one stream more than the cap with a 429 problem and Retry-After, per address, and frees a slot on close', async () => {
    const held = [await open('203.0.113.7'), await open('203.0.113.7'), await open('203.0.113.7')];
    for (const s of held) expect(s.status).toBe(200);
    const refused = await open('203.0.113.7');
    expect(refused.status).toBe(429);
    expect(String(refused.headers['content-type'])).toContain('application/problem+json');
    expect(refused.headers['retry-after']).toBe('30');
    expect(JSON.parse(refused.body)).toMatchObject({ status: 429, detail: expect.stringContaining('3 open streams') });
    // Another address is not affected.
    const other = await open('198.51.100.1');
    expect(other.status).toBe(200);
    // Closing one (twice: close events may repeat) frees exactly one slot.
    held[0]!.close();
    held[0]!.close();
    const again = await open('203.0.113.7');
    expect(again.status).toBe(200);
    expect((await open('203.0.113.7')).status).toBe(429);
    for (const s of [...held, other, again]) s.close();
  });
});
