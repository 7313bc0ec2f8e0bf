import { Client } from 'pg';
import { lockOutbox } from '../db/outbox';
import { useTestDatabase } from '../test/db';
import { BusyError, ConflictError, InvalidError, InvalidParameterError, MovedError, NotFoundError, StaleError, TooLargeError } from '../domain/errors';
import { invoke } from '../test/http';
import { sendProblem, toApiError } from './problem';

const { db } = useTestDatabase();

describe('toApiError for lock waits', () => {
  it('answers 503 with Retry-After and a reason when a write waited too long for a lock (55P03)', () => {
    const driver = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
    const wrapped = Object.assign(new Error('Failed query: select last_id from outbox_head'), { cause: driver });
    const err = toApiError(wrapped);
    expect([err.status, err.headers?.['Retry-After']]).toEqual([503, '1']);
    expect(err.detail).toMatch(/Other writes are in progress/);
  });

  (process.env.TEST_DATABASE_URL ? it : it.skip)('on PostgreSQL: a write queued behind the outbox head past its SET LOCAL lock_timeout is that 503', async () => {
    const url = process.env.DATABASE_URL!;
    const holder = new Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select last_id from outbox_head where id = 1 for update');
      const started = Date.now();
      const thrown = await db()
        .transaction((tx) => lockOutbox(tx, 200))
        .catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(toApiError(thrown).status).toBe(503);
      expect(toApiError(thrown).detail).toMatch(/waited too long/);
    } finally {
      await holder.query('rollback').catch(() => {});
      await holder.end();
    }
  });
});

describe('domain errors as problem documents (the one mapping)', () => {
  const render = async (thrown: unknown, url = '/api/v1/projects/acme/rocket/releases/v1') => {
    const answer = await invoke((req, res) => sendProblem(req, res, thrown), { url });
    const { requestId: _requestId, ...body } = answer.json();
    return { status: answer.status, headers: answer.headers, body };
  };

  it('NotFound is a 404 with the detail', async () => {
    expect(await render(new NotFoundError('There is no token 7.'))).toMatchObject({
      status: 404,
      body: { type: '/problems/not-found', title: 'Not Found', status: 404, detail: 'There is no token 7.', instance: '/api/v1/projects/acme/rocket/releases/v1' },
    });
  });

  it('Conflict keeps its code as the problem type and its issues as pointers', async () => {
    const { body, status } = await render(
      new ConflictError('This project already has a release tagged "v1".', { code: 'tag-taken', issues: [{ path: '/tag', reason: 'is already taken in this project' }] }),
    );
    expect(status).toBe(409);
    expect(body).toEqual({
      type: '/problems/tag-taken',
      title: 'Conflict',
      status: 409,
      detail: 'This project already has a release tagged "v1".',
      instance: '/api/v1/projects/acme/rocket/releases/v1',
      errors: [{ pointer: '/tag', detail: 'is already taken in this project' }],
    });
  });

  it('Stale is a 412, naming If-Match only when the caller named the version it expected', async () => {
    const raced = await render(new StaleError('The release changed while this request ran; GET it again and retry.'));
    expect([raced.status, raced.body.type, raced.body.errors]).toEqual([412, '/problems/precondition-failed', undefined]);
    const held = await render(new StaleError('changed since you read it', { expected: true }));
    expect(held.body.errors).toEqual([{ header: 'If-Match', detail: 'does not match the current ETag' }]);
  });

  it('Invalid is a 422 validation problem; InvalidParameter a 400 naming the parameter', async () => {
    const invalid = await render(new InvalidError('A draft has no publication time.', { issues: [{ path: '/publishedAt', reason: 'must be null for a draft' }] }));
    expect([invalid.status, invalid.body.type, invalid.body.title, invalid.body.errors]).toEqual([
      422,
      '/problems/validation',
      'Validation Failed',
      [{ pointer: '/publishedAt', detail: 'must be null for a draft' }],
    ]);
    const cursor = await render(new InvalidParameterError('cursor is not valid', { issues: [{ in: 'query', path: 'cursor', reason: 'is not valid for this sort' }] }));
    expect([cursor.status, cursor.body.type, cursor.body.errors]).toEqual([400, '/problems/invalid-parameters', [{ parameter: 'cursor', detail: 'is not valid for this sort' }]]);
  });

  it('TooLarge is a 413, Busy a 503 with Retry-After', async () => {
    const large = await render(new TooLargeError('The markdown at /body is too long.', { code: 'markdown-too-large', issues: [{ path: '/body', reason: 'is too long' }] }));
    expect([large.status, large.body.type, large.body.title]).toEqual([413, '/problems/markdown-too-large', 'Payload Too Large']);
    const busy = await render(new BusyError('Every renderer is busy.'));
    expect([busy.status, busy.headers['retry-after'], busy.body.errors]).toEqual([503, '5', undefined]);
  });

  it('Moved is a 308 to the new name, in the same URL', async () => {
    const moved = await render(
      new MovedError('acme/old is now acme/rocket (renamed or transferred on GitHub).', 'acme/old', 'acme/rocket'),
      '/api/v1/projects/acme/old/releases?limit=2',
    );
    expect(moved.status).toBe(308);
    expect(moved.headers.location).toBe('/api/v1/projects/acme/rocket/releases?limit=2');
    expect(moved.body).toMatchObject({ type: '/problems/project-renamed', title: 'Permanent Redirect', renamed: { from: 'acme/old', to: 'acme/rocket' } });
  });
});
