// A functions platform ends a response at its maxDuration (Vercel: the stream route's 300 s). The live
// stream ends itself cleanly before that (SHIPLOG_STREAM_MAX_SECONDS; on Vercel 285 s by default), and
// a client that resumes with Last-Event-ID gets everything it missed meanwhile.
import { startServer, type RunningServer } from '../harness/server';
import { newStorage, type Storage } from '../harness/storage';
import { parseSseBlock, type SseFrame } from '../harness/sse';

let server: RunningServer;
let storage: Storage;
const LIFETIME_S = 3;

beforeAll(async () => {
  storage = await newStorage(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite', 'stream_life');
  server = await startServer({ ...storage, env: { SHIPLOG_SEED_DEMO: '0', SHIPLOG_STREAM_MAX_SECONDS: String(LIFETIME_S), SHIPLOG_RATE_LIMIT_WRITE: '0' } });
});

afterAll(async () => {
  await server?.stop();
  await storage?.dispose();
});

type Frame = Omit<SseFrame, 'comment'>;

/** Reads a whole stream (until the server ends it, or `timeoutMs`), as frames. */
async function readAll(headers: Record<string, string>, timeoutMs: number, onOpen?: () => Promise<void>) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const started = Date.now();
  const res = await fetch(`${server.url}/api/v1/stream?project=life/stream`, { headers, signal: controller.signal });
  const frames: Frame[] = [];
  let text = '';
  let ended = false;
  try {
    const opening = onOpen?.();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += Buffer.from(chunk).toString('utf8');
    ended = true;
    await opening;
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
  }
  for (const block of text.split('\n\n')) {
    const { comment: _comment, ...frame } = parseSseBlock(block);
    if (Object.keys(frame).length) frames.push(frame);
  }
  return { status: res.status, frames, ended, seconds: (Date.now() - started) / 1000 };
}

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

it('ends the stream by itself before its lifetime runs out, and a resume with Last-Event-ID misses nothing', async () => {
  expect((await post('/api/v1/projects', { owner: 'life', repo: 'stream' })).status).toBe(201);
  const first = await readAll({}, 60_000, async () => {
    expect((await post('/api/v1/projects/life/stream/releases', { tag: 'v1.0.0', body: 'one' })).status).toBe(201);
  });
  expect(first.status).toBe(200);
  // The server closed it (no abort), after about its lifetime, having told the client when to come back.
  expect(first.ended).toBe(true);
  expect(first.seconds).toBeGreaterThanOrEqual(LIFETIME_S - 0.5);
  expect(first.frames.some((f) => f.retry !== undefined)).toBe(true);
  const seen = first.frames.filter((f) => f.event?.startsWith('release.'));
  expect(seen.map((f) => JSON.parse(f.data!).tag)).toEqual(['v1.0.0']);

  // Written while no stream is open; the resumed stream replays it.
  expect((await post('/api/v1/projects/life/stream/releases', { tag: 'v1.1.0', body: 'two' })).status).toBe(201);
  const resumed = await readAll({ 'last-event-id': seen[0]!.id! }, 60_000);
  expect(resumed.ended).toBe(true);
  expect(resumed.frames.filter((f) => f.event?.startsWith('release.')).map((f) => JSON.parse(f.data!).tag)).toEqual(['v1.1.0']);
});
