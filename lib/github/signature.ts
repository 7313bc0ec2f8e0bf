import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>` as GitHub sends it in X-Hub-Signature-256. */
export function sign(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Which of the secrets signed this body (HMAC-SHA256 over the raw bytes), or -1. Constant-time per
 * secret; lengths are checked first because timingSafeEqual throws on unequal lengths.
 */
export function matchSignature(body: Buffer, header: string | undefined, secrets: readonly string[]): number {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return -1;
  const given = Buffer.from(header.toLowerCase(), 'utf8');
  let match = -1;
  secrets.forEach((secret, i) => {
    const expected = Buffer.from(sign(secret, body), 'utf8');
    if (expected.length === given.length && timingSafeEqual(expected, given) && match < 0) match = i;
  });
  return match;
}
