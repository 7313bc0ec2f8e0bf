import type { NextApiRequest, NextApiResponse } from 'next';
import { VERSION } from '../config';
import { contentHash, isNotModified } from '../http/conditional';
import { widget } from './widget';

/** Browsers keep the script 5 minutes, then may use a stale copy for a day while they refetch it. */
export const WIDGET_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=86400';

/**
 * Source text → served text: drops indentation, blank lines and whole-line `//` comments. Safe for
 * lib/widget/widget.ts, which keeps no multi-line template literals (so no string spans lines) and
 * whose trailing comments are stripped only where they hold no quote. Idempotent on minified code.
 */
export function compact(source: string): string {
  return source
    .split('\n')
    .map((line) => line.trim().replace(/\s+\/\/ [^'"`]*$/, ''))
    .filter((line) => line && !line.startsWith('//'))
    .join('\n');
}

let prepared: { body: string; etag: string; length: number } | undefined;

/** The script as served (computed once per process). */
export function widgetScript(): { body: string; etag: string; length: number } {
  if (!prepared) {
    const body = `/*! Shiplog widget ${VERSION} */\n(${compact(widget.toString())})(document.currentScript);\n`;
    prepared = { body, etag: `"w-${contentHash(body)}"`, length: Buffer.byteLength(body) };
  }
  return prepared;
}

/**
 * GET /widget.js (rewritten to /api/widget): the embeddable widget. Public and cacheable by anyone,
 * loadable from any origin (also with `crossorigin` and under COEP), revalidated with a strong ETag.
 */
export function getWidget(req: NextApiRequest, res: NextApiResponse): void {
  const script = widgetScript();
  res.setHeader('ETag', script.etag);
  res.setHeader('Cache-Control', WIDGET_CACHE_CONTROL);
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (isNotModified(req, script.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
  res.setHeader('Content-Length', script.length);
  res.end(req.method === 'HEAD' ? undefined : script.body);
}
