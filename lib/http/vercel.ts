/**
 * Vercel specifics of the HTTP layer. Vercel Functions refuse request bodies over 4.5 MB with a
 * plain-text FUNCTION_PAYLOAD_TOO_LARGE; Shiplog answers such requests itself, as problem+json that
 * says why, before the platform does (middleware, on Content-Length) and when reading a body.
 */
export const VERCEL_BODY_LIMIT = 4_500_000;

/**
 * True on Vercel (the platform sets VERCEL=1 in builds and functions). Read here, not through
 * lib/config.ts: middleware (edge runtime, no Node.js modules) imports this file.
 */
export function onVercel(): boolean {
  return process.env.VERCEL === '1';
}

/** Why a body is refused on Vercel, for the 413's detail. */
export const VERCEL_BODY_NOTE = 'Vercel Functions accept request bodies up to 4.5 MB; deliveries larger than that need a self-hosted Shiplog (`next start`, 25 MB).';

/** The 413 problem document for a request whose declared length is over Vercel's limit, else undefined. */
export function vercelBodyTooLarge(contentLength: string | null | undefined, instance: string, requestId: string): Record<string, unknown> | undefined {
  if (!onVercel() || !contentLength || !/^\d+$/.test(contentLength)) return undefined;
  const length = Number(contentLength);
  if (length <= VERCEL_BODY_LIMIT) return undefined;
  return {
    type: '/problems/payload-too-large',
    title: 'Payload Too Large',
    status: 413,
    detail: `The request body is ${length} bytes. ${VERCEL_BODY_NOTE}`,
    instance,
    requestId,
    limit: VERCEL_BODY_LIMIT,
  };
}
