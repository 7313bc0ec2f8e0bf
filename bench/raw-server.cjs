#!/usr/bin/env node
// The machine's ceiling for `npm run bench`: a raw node:http server in its own process, doing the least
// each benchmark's work could cost. Usage: node bench/raw-server.cjs <port> <json-body-file>
//   GET|POST /json        the same JSON constant as the bare route (POST drains the body first)
//   GET /sse              an event stream; POST /fire answers 200, then writes its body as one
//                         `data:` frame to every open stream (the fan-out floor)
//   GET /stream?bytes=N   N bytes of NDJSON-like lines in 64 KB writes, with backpressure (the export floor)
'use strict';
const http = require('node:http');
const fs = require('node:fs');

const port = Number(process.argv[2]);
const body = fs.readFileSync(process.argv[3]);
const streams = new Set();
let eventId = 0;

const line = Buffer.from(
  `${JSON.stringify({ id: 1, project: 'bench/raw', tag: 'v1', name: 'Release 1', body: '## Changes\n\n- Fixed a bug in the widget frobnicator\n- Improved startup time\n- Updated dependencies\n', publishedAt: '2020-01-01T00:00:00.000Z', prerelease: false, draft: false })}\n`,
);
const chunk = Buffer.concat(Array.from({ length: Math.ceil(65536 / line.length) }, () => line)).subarray(0, 65536);

function answer(req, res) {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://raw');
  if (url.pathname === '/json') {
    if (req.method !== 'POST') return answer(req, res);
    req.on('data', () => {});
    req.on('end', () => answer(req, res));
    return;
  }
  if (url.pathname === '/sse') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform' });
    res.write('retry: 3000\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
    return;
  }
  if (url.pathname === '/fire' && req.method === 'POST') {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      const frame = `id: ${++eventId}\nevent: release.published\ndata: ${Buffer.concat(parts).toString('utf8')}\n\n`;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 2 });
      res.end('{}');
      setImmediate(() => {
        for (const s of streams) s.write(frame);
      });
    });
    return;
  }
  if (url.pathname === '/stream') {
    let left = Number(url.searchParams.get('bytes') ?? 0);
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8' });
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!res.write(piece)) return res.once('drain', pump);
      }
      res.end();
    };
    return pump();
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => {
  for (const s of streams) s.destroy();
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
