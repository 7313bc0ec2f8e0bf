import fs from 'node:fs';
import type { NextApiHandler } from 'next';
import { config } from '../config';
import { notFoundRoute } from './method-router';

/**
 * The benchmark's ceiling inside Next.js (`npm run bench`): a bare pages/api route that answers a JSON
 * constant — a captured `GET /api/v1/releases?limit=20` body, read once from SHIPLOG_BENCH_BODY — with
 * none of the toolkit (no request id, versioning, negotiation, cache or database). POST drains the
 * body first (the ceiling for webhook ingestion). It exists only when SHIPLOG_BENCH=1; otherwise it
 * is the ordinary 404 problem document, so production never exposes it.
 */
let body: Buffer | undefined;

function constant(): Buffer {
  if (!body) {
    const file = config().SHIPLOG_BENCH_BODY;
    body = file ? fs.readFileSync(file) : Buffer.from('[]');
  }
  return body;
}

export function benchBareRoute(): NextApiHandler {
  const notFound = notFoundRoute();
  return (req, res) => {
    if (!config().SHIPLOG_BENCH) return notFound(req, res);
    const answer = () => {
      const json = constant();
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', json.length);
      res.end(req.method === 'HEAD' ? undefined : json);
    };
    if (req.method !== 'POST') return answer();
    // Resolve only once answered: Next warns about handlers that resolve before responding.
    return new Promise<void>((resolve) => {
      req.on('data', () => {});
      req.on('end', () => resolve(answer()));
      req.on('error', () => resolve(answer()));
    });
  };
}
