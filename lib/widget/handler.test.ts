import vm from 'node:vm';
import { methodRouter } from '../http/method-router';
import { invoke } from '../test/http';
import { compact, getWidget, widgetScript } from './handler';

const handler = methodRouter({ GET: getWidget });

describe('GET /widget.js', () => {
  it('serves the script as cacheable, cross-origin JavaScript with a strong ETag', async () => {
    const r = await invoke(handler);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('public, max-age=300, stale-while-revalidate=86400');
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers.etag).toMatch(/^"w-[A-Za-z0-9_-]{22}"$/);
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.text));
    expect(r.text).toContain('(document.currentScript)');
  });

  it('answers a matching If-None-Match with 304 and no body, HEAD without a body', async () => {
    const { etag } = widgetScript();
    const cached = await invoke(handler, { headers: { 'if-none-match': `"other", ${etag}` } });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    const head = await invoke(handler, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect((await invoke(handler, { method: 'POST' })).status).toBe(405);
  });

  it('computes the script once per process', () => {
    expect(widgetScript()).toBe(widgetScript());
  });

  it('runs as one standalone expression and stops with a warning without a valid data-project', () => {
    const warnings: string[] = [];
    const run = (currentScript: unknown) => vm.runInNewContext(widgetScript().body, { document: { currentScript }, console: { warn: (m: string) => warnings.push(m) } });
    run(null);
    run({ getAttribute: () => null, src: 'https://shiplog.example/widget.js' });
    run({ getAttribute: () => 'not a project', src: 'https://shiplog.example/widget.js' });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/data-project="owner\/repo"/);
  });
});

describe('compact', () => {
  it('drops indentation, blank lines and comments but keeps code and strings', () => {
    const source = ['function f() {', '  // a comment', '', "  const url = 'https://x.test/a'; // trailing", '  return url;', '}'].join('\n');
    expect(compact(source)).toBe(['function f() {', "const url = 'https://x.test/a';", 'return url;', '}'].join('\n'));
    expect(compact(compact(source))).toBe(compact(source));
  });
});
