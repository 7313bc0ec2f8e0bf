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

/**
 * Runs a POST's write in one transaction and answers it, honouring `Idempotency-Key`: the first
 * request's response is stored in the same transaction as its effect and replayed to a retry with
 * the same key and body (`Idempotent-Replayed: true`); the same key with another body → 422; while
 * the first is still running → 409. Keys are scoped to the caller and kept for 24 hours.
 */
export async function idempotentWrite(
  req: IncomingMessage,
  res: ServerResponse,
  principal: string,
  rawBody: Buffer,
  run: (tx: Tx) => Promise<WriteResult>,
): Promise<void> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) {
    const result = await write(run);
    return send(req, res, { ...result, json: JSON.stringify(result.body) });
  }
  if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
    throw ApiError.badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).', [
      { header: 'Idempotency-Key', detail: 'must be 1-255 visible ASCII characters' },
    ]);
  }
  const requestHash = createHash('sha256').update(`${req.method} ${(req.url ?? '').split('?')[0]}\n`).update(rawBody).digest('hex');
  const db = await getDb();
  const [claimed] = await db
    .insert(idempotencyKeys)
    .values({ principal, key, requestHash, state: 'running' })
    .onConflictDoNothing()
    .returning({ id: idempotencyKeys.id });
  if (!claimed) {
    const [existing] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key)));
    if (!existing) throw new ApiError(409, { detail: 'That Idempotency-Key was just released; retry.', headers: { 'Retry-After': '1' } });
    if (existing.requestHash !== requestHash) {
      throw new ApiError(422, {
        type: 'idempotency-key-reused',
        detail: 'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
        errors: [{ header: 'Idempotency-Key', detail: 'already used with another body or path' }],
      });
    }
    if (existing.state === 'running') {
      throw new ApiError(409, {
        type: 'idempotency-in-progress',
        detail: 'The first request with this Idempotency-Key is still being processed. Retry shortly.',
        headers: { 'Retry-After': '1' },
      });
    }
    res.setHeader('Idempotent-Replayed', 'true');
    const headers = { ...(existing.responseHeaders ?? {}) };
    const contentType = headers['content-type'] ?? 'application/json';
    delete headers['content-type'];
    return send(req, res, { status: existing.responseStatus ?? 200, json: existing.responseBody ?? '', contentType, headers });
  }
  try {
    const result = await write(async (tx) => {
      const r = await run(tx);
      await tx
        .update(idempotencyKeys)
        .set({
          state: 'done',
          responseStatus: r.status,
          responseHeaders: { ...r.headers, 'content-type': r.contentType },
          responseBody: JSON.stringify(r.replayBody ?? r.body),
        })
        .where(eq(idempotencyKeys.id, claimed.id));
      return r;
    });
    send(req, res, { ...result, json: JSON.stringify(result.body) });
  } catch (err) {
    // The request had no effect: free the key so a corrected retry can use it.
    await db.delete(idempotencyKeys).where(eq(idempotencyKeys.id, claimed.id)).catch(() => {});
    throw err;
  }
  if (Math.random() < 0.01) {
    await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${RETENTION_HOURS})`)).catch(() => {});
  }
}
