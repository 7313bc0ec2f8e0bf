import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { and, eq, lt, sql } from 'drizzle-orm';
import { getDb, type Tx } from '../db';
import { idempotencyKeys } from '../db/schema';
import { write } from '../db/write';
import { ApiError } from './errors';

export interface WriteResult {
  status: number;
  body: unknown;
  contentType: string;
  headers: Record<string, string>;
  /**
   * What a replay answers, when it must differ from `body`: a secret shown once (a new token) is
   * never stored, so its replay says so instead of repeating it.
   */
  replayBody?: unknown;
}

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
const RETENTION_HOURS = 24;

function send(req: IncomingMessage, res: ServerResponse, result: { status: number; json: string; contentType: string; headers: Record<string, string> }): void {
  for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
  res.statusCode = result.status;
  res.setHeader('Content-Type', `${result.contentType}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(result.json));
  res.setHeader('Cache-Control', 'no-store');
  res.end(req.method === 'HEAD' ? undefined : result.json);
}

/** A `running` claim older than this was left by a process that died (older releases claimed before the write). */
const ABANDONED_AFTER_SECONDS = 30;

type Outcome = { replay: false; result: WriteResult } | { replay: true; status: number; json: string; contentType: string; headers: Record<string, string> };

/**
 * Runs a POST's write in one transaction and answers it, honouring `Idempotency-Key`: the key is
 * claimed inside the write's own transaction, with the response stored there too, so a claim exists
 * only together with its effect. A process that dies (even kill -9) between claim and commit leaves
 * nothing behind: the transaction rolls back and a retry runs afresh within seconds. A concurrent
 * duplicate (any instance) waits for the first's transaction, then gets its stored response
 * (`Idempotent-Replayed: true`); the same key with another body → 422. Keys are scoped to the caller
 * and kept for 24 hours.
 */
export async function idempotentWrite(req: IncomingMessage, res: ServerResponse, principal: string, rawBody: Buffer, run: (tx: Tx) => Promise<WriteResult>): Promise<void> {
  const outcome = await runIdempotent(req, principal, rawBody, run);
  if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
  send(req, res, outcome);
}

/** What an idempotent write answers: its own result, or the stored one of the first request with the key. */
export interface IdempotentOutcome {
  status: number;
  json: string;
  contentType: string;
  headers: Record<string, string>;
  replayed: boolean;
}

/** `idempotentWrite` without sending: the caller answers with the outcome. */
export async function runIdempotent(req: IncomingMessage, principal: string, rawBody: Buffer, run: (tx: Tx) => Promise<WriteResult>): Promise<IdempotentOutcome> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) {
    const result = await write(run);
    return { status: result.status, json: JSON.stringify(result.body), contentType: result.contentType, headers: result.headers, replayed: false };
  }
  if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
    throw ApiError.badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).', [
      { header: 'Idempotency-Key', detail: 'must be 1-255 visible ASCII characters' },
    ]);
  }
  const requestHash = createHash('sha256')
    .update(`${req.method} ${(req.url ?? '').split('?')[0]}\n`)
    .update(rawBody)
    .digest('hex');
  // Every write holds the outbox head from its first statement (write()), so a duplicate's claim is
  // tried only once the first transaction has committed (its row is then `done`) or rolled back (gone).
  const outcome = await write(async (tx): Promise<Outcome> => {
    let [claimed] = await tx.insert(idempotencyKeys).values({ principal, key, requestHash, state: 'running' }).onConflictDoNothing().returning({ id: idempotencyKeys.id });
    if (!claimed) {
      const [existing] = await tx
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)))
        .for('update');
      if (!existing) throw new ApiError(409, { detail: 'That Idempotency-Key was just released; retry.', headers: { 'Retry-After': '1' } });
      if (existing.requestHash !== requestHash) {
        throw new ApiError(422, {
          type: 'idempotency-key-reused',
          detail: 'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
          errors: [{ header: 'Idempotency-Key', detail: 'already used with another body or path' }],
        });
      }
      if (existing.state === 'running') {
        // Only an older release claims outside the write transaction: a claim it left running this
        // long belongs to a process that died; take it over.
        const [taken] = await tx
          .update(idempotencyKeys)
          .set({ createdAt: sql`now()` })
          .where(and(eq(idempotencyKeys.id, existing.id), lt(idempotencyKeys.createdAt, sql`now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})`)))
          .returning({ id: idempotencyKeys.id });
        if (!taken) {
          throw new ApiError(409, {
            type: 'idempotency-in-progress',
            detail: 'The first request with this Idempotency-Key is still being processed. Retry shortly.',
            headers: { 'Retry-After': '1' },
          });
        }
        claimed = taken;
      } else {
        const headers = { ...(existing.responseHeaders ?? {}) };
        const contentType = headers['content-type'] ?? 'application/json';
        delete headers['content-type'];
        return { replay: true, status: existing.responseStatus ?? 200, json: existing.responseBody ?? '', contentType, headers };
      }
    }
    const result = await run(tx);
    await tx
      .update(idempotencyKeys)
      .set({
        state: 'done',
        responseStatus: result.status,
        responseHeaders: { ...result.headers, 'content-type': result.contentType },
        responseBody: JSON.stringify(result.replayBody ?? result.body),
      })
      .where(eq(idempotencyKeys.id, claimed.id));
    return { replay: false, result };
  });
  if (Math.random() < 0.01) {
    const db = await getDb();
    await db
      .delete(idempotencyKeys)
      .where(lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${RETENTION_HOURS})`))
      .catch(() => {});
  }
  if (outcome.replay) return { status: outcome.status, json: outcome.json, contentType: outcome.contentType, headers: outcome.headers, replayed: true };
  const { result } = outcome;
  return { status: result.status, json: JSON.stringify(result.body), contentType: result.contentType, headers: result.headers, replayed: false };
}
