import fs from 'node:fs';
import { resetConfig } from '../config';
import { closeMarkdownPool, MARKDOWN_MAX_CHARS, renderMarkdown, renderStoredMarkdown, unrenderedHtml, workerPath } from '.';

describe('renderMarkdown()', () => {
  it('renders GitHub-flavoured markdown: tables, task lists, autolinks, strikethrough, footnotes', async () => {
    const html = await renderMarkdown(
      [
        '| a | b |',
        '| - | - |',
        '| 1 | 2 |',
        '',
        '- [x] done',
        '- [ ] todo',
        '',
        'See https://example.com and ~~old~~ text.[^1]',
        '',
        '[^1]: A note.',
      ].join('\n'),
    );
    expect(html).toContain('<table>');
    expect(html).toMatch(/<input type="checkbox" checked disabled>/);
    expect(html).toContain('<a href="https://example.com">https://example.com</a>');
    expect(html).toContain('<del>old</del>');
    expect(html).toContain('user-content-fn-1');
  });

  it('keeps harmless inline HTML such as <details>', async () => {
    expect(await renderMarkdown('<details><summary>More</summary>\n\nHidden\n\n</details>')).toContain('<details><summary>More</summary>');
  });

  it.each([
    ['a script tag', '<script>alert(1)</script>', /<script/i],
    ['an event handler', '<img src="x.png" onerror="alert(1)">', /onerror/i],
    ['a javascript: link', '[click](javascript:alert(1))', /javascript:/i],
    ['a javascript: href in HTML', '<a href="javascript:alert(1)">x</a>', /javascript:/i],
    ['an iframe', '<iframe src="https://evil.example"></iframe>', /<iframe/i],
    ['a style attribute', '<p style="background:url(javascript:alert(1))">x</p>', /style=/i],
  ])('makes %s inert', async (_name, input, forbidden) => {
    expect(await renderMarkdown(input)).not.toMatch(forbidden);
  });
});

describe('limits: rendered off the event loop, within size and time', () => {
  afterAll(() => closeMarkdownPool());

  /** Nested brackets: the parser's time grows with the square of their depth (minutes at this size). */
  const slow = `${'['.repeat(30_000)}a${']'.repeat(30_000)}`;

  it('renders on a worker thread: the event loop keeps turning while a slow body renders, and the render is cancelled at its time limit', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    try {
      const render = renderMarkdown(slow, { timeMs: 1_500 });
      const refused = expect(render).rejects.toMatchObject({ name: 'MarkdownLimitError', reason: 'too-slow', message: expect.stringMatching(/took longer than 1500 ms/) });
      // While the render runs, timers on this thread still fire (they could not if it ran here).
      const started = Date.now();
      while (ticks < 20 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
      expect(ticks).toBeGreaterThanOrEqual(20);
      await refused;
    } finally {
      clearInterval(ticker);
    }
    // The pool is usable again at once (the cancelled thread was replaced).
    expect(await renderMarkdown('**still here**')).toBe('<p><strong>still here</strong></p>');
  }, 120_000);

  it('a render queued behind one that is cancelled still runs (the cancelled thread is replaced)', async () => {
    const threads = Number(process.env.SHIPLOG_MARKDOWN_THREADS ?? 0);
    process.env.SHIPLOG_MARKDOWN_THREADS = '1';
    resetConfig();
    await closeMarkdownPool();
    try {
      const cancelled = renderMarkdown(`${slow}!`, { timeMs: 1_000 });
      const queued = renderMarkdown('*queued behind it*', { timeMs: 60_000 });
      await expect(cancelled).rejects.toMatchObject({ reason: 'too-slow' });
      await expect(queued).resolves.toBe('<p><em>queued behind it</em></p>');
    } finally {
      if (threads) process.env.SHIPLOG_MARKDOWN_THREADS = String(threads);
      else delete process.env.SHIPLOG_MARKDOWN_THREADS;
      resetConfig();
      await closeMarkdownPool();
    }
  }, 120_000);

  it('refuses a body over the size limit without rendering it', async () => {
    await expect(renderMarkdown('x'.repeat(MARKDOWN_MAX_CHARS + 1))).rejects.toMatchObject({ reason: 'too-large' });
  });

  it('stores a refused body as escaped plain text (nothing lost, nothing executable)', async () => {
    process.env.SHIPLOG_MARKDOWN_TIMEOUT_MS = '1000';
    resetConfig();
    try {
      const body = `${slow} & <script>alert(1)</script>`;
      const html = await renderStoredMarkdown(body);
      expect(html).toContain('<pre class="unrendered">[[[');
      expect(html).toContain(']]] &amp; &lt;script&gt;alert(1)&lt;/script&gt;</pre>');
      expect(html).not.toMatch(/<script/);
      // Remembered: storing the same body again does not render it again.
      const again = Date.now();
      expect(await renderStoredMarkdown(body)).toBe(html);
      expect(Date.now() - again).toBeLessThan(900);
    } finally {
      delete process.env.SHIPLOG_MARKDOWN_TIMEOUT_MS;
      resetConfig();
    }
    expect(unrenderedHtml('a "b" <c>')).toContain('a &quot;b&quot; &lt;c&gt;');
  }, 120_000);

  it('the worker script is a real file, found from the project root', () => {
    expect(fs.existsSync(workerPath())).toBe(true);
  });
});
