import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { config } from '../config';
import { ApiError } from '../http/errors';
import { clientAddress } from '../http/rate-limit';

/**
 * Per-address limits of the webhook route, checked before its body is read: every delivery counts
 * against SHIPLOG_WEBHOOK_RATE_LIMIT a minute, and an address whose deliveries were refused for their
 * signature SHIPLOG_WEBHOOK_REFUSAL_LIMIT times in a minute is answered 429 without reading any more
 * bodies. GitHub's deliveries (always signed, a few a second at most) stay far inside both.
 */
const WINDOW = 60;
const g = globalThis as typeof globalThis & { __shiplogWebhookLimits?: { key: string; all?: RateLimiterMemory; refused?: RateLimiterMemory } };

function limiters() {
  const { SHIPLOG_WEBHOOK_RATE_LIMIT: all, SHIPLOG_WEBHOOK_REFUSAL_LIMIT: refused } = config();
  const key = `${all}/${refused}`;
  if (g.__shiplogWebhookLimits?.key !== key) {
    g.__shiplogWebhookLimits = {
      key,
      all: all > 0 ? new RateLimiterMemory({ keyPrefix: 'webhook', points: all, duration: WINDOW }) : undefined,
      refused: refused > 0 ? new RateLimiterMemory({ keyPrefix: 'webhook-refused', points: refused, duration: WINDOW }) : undefined,
    };
  }
  return g.__shiplogWebhookLimits;
}

function tooMany(state: RateLimiterRes, detail: string): ApiError {
  const retry = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new ApiError(429, { detail: `${detail} Retry in ${retry} s.`, headers: { 'Retry-After': String(retry) }, extensions: { retryAfter: retry } });
}

/** Before the body is read: 429 past either budget. */
export async function admitWebhook(req: IncomingMessage): Promise<void> {
  const { all, refused } = limiters();
  const address = clientAddress(req);
  if (refused) {
    const state = await refused.get(address);
    if (state && state.consumedPoints >= refused.points) {
      throw tooMany(state, `Too many deliveries from this address were refused for their signature (${refused.points} a minute); its deliveries are not read for now.`);
    }
  }
  if (all) {
    try {
      await all.consume(address);
    } catch (rejected) {
      if (!(rejected instanceof RateLimiterRes)) throw rejected;
      throw tooMany(rejected, `Webhook rate limit exceeded: ${all.points} deliveries a minute from one address.`);
    }
  }
}

/** A delivery from this address was refused for its signature. */
export async function webhookRefused(req: IncomingMessage): Promise<void> {
  const { refused } = limiters();
  if (!refused) return;
  await refused.consume(clientAddress(req)).catch((rejected) => {
    if (!(rejected instanceof RateLimiterRes)) throw rejected;
  });
}
