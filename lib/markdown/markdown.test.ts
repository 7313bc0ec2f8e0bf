import fs from 'node:fs';
import { resetConfig } from '../config';
import { closeMarkdownPool, MARKDOWN_MAX_CHARS, renderContextOf, renderMarkdown, renderStoredMarkdown, unrenderedHtml, workerPath } from '.';

/** The project the notes belong to: what #12, @user and SHAs link to. */
const acme = renderContextOf({ owner: 'acme', repo: 'rocket' });

/** A release body as GitHub's "Generate release notes" and maintainers write them. */
const RELEASE_BODY = `## What's Changed :rocket:

> [!NOTE]
> This release drops support for Node.js 16.

> [!WARNING]
> The \`--legacy\` flag is removed; see #1234 before upgrading.

> [!TIP]
> Run \`rocket migrate\` first.

> [!IMPORTANT]
> Back up your data.

> [!CAUTION]
> Downgrading is not supported.

* Faster launches by @octocat in https://github.com/acme/rocket/pull/1240
* Fix the countdown (#1201, fixes other-org/fuel#77) in f8083175fe890cbf14f41d0a06e7aa35d4989587
* Keep \`#99\` and \`@nobody\` as they are inside code, and [#5](https://example.com/five) as its link says

### Install

\`\`\`sh
npm install rocket@2.0.0
\`\`\`

\`\`\`ts
export function launch(count: number): string {
  return \`T-\${count}\`; // countdown
}
\`\`\`

\`\`\`python
def launch(count: int) -> str:
    return f"T-{count}"
\`\`\`

\`\`\`go
func Launch() error { return nil }
\`\`\`

| Platform | Status |
| -------- | :----: |
| Linux    | :white_check_mark: |
| Windows  | :x: |

- [x] Docs updated
- [ ] Blog post

<details>
<summary>Full benchmark</summary>

![chart](https://user-images.githubusercontent.com/1/chart.png)

</details>

See the [install notes](#install) and the footnote.[^bench]

**Full Changelog**: https://github.com/acme/rocket/compare/v1.9.0...v2.0.0

[^bench]: Measured on a 2023 laptop.
`;

/** Ids and in-page links of some HTML. */
const idsOf = (html: string) => [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
const fragmentsOf = (html: string) => [...html.matchAll(/\shref="#([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!));

describe('renderMarkdown()', () => {
  let html: string;
  beforeAll(async () => {
    html = await renderMarkdown(RELEASE_BODY, acme);
  });

  it('renders GitHub-flavoured markdown: tables, task lists, autolinks, strikethrough, footnotes', async () => {
    const gfm = await renderMarkdown(
      ['| a | b |', '| - | - |', '| 1 | 2 |', '', '- [x] done', '- [ ] todo', '', 'See https://example.com and ~~old~~ text.[^1]', '', '[^1]: A note.'].join('\n'),
      acme,
    );
    expect(gfm).toContain('<table>');
    expect(gfm).toMatch(/<input type="checkbox" checked disabled aria-label="Done: done">/);
    expect(gfm).toMatch(/<input type="checkbox" disabled aria-label="To do: todo">/);
    expect(gfm).toContain('<a href="https://example.com">https://example.com</a>');
    expect(gfm).toContain('<del>old</del>');
    expect(gfm).toContain('id="user-content-fn-1"');
  });

  it('renders the five alerts as GitHub does, with their titles', () => {
    for (const [kind, title] of [
      ['note', 'Note'],
      ['tip', 'Tip'],
      ['important', 'Important'],
      ['warning', 'Warning'],
      ['caution', 'Caution'],
    ]) {
      expect(html).toMatch(new RegExp(`<div class="markdown-alert markdown-alert-${kind}"><p class="markdown-alert-title"><svg[^>]*aria-hidden="true"[^>]*>.*?</svg>${title}</p>`));
    }
    expect(html).not.toContain('[!NOTE]');
    expect(html).not.toContain('[!WARNING]');
    expect(html).toContain('This release drops support for Node.js 16.');
  });

  it('footnotes: every in-page link points at an id the notes have (one user-content- prefix, not two)', () => {
    expect(html).toMatch(/<sup><a href="#user-content-fn-bench" id="user-content-fnref-bench" data-footnote-ref[^>]*>1<\/a><\/sup>/);
    expect(html).toContain('<li id="user-content-fn-bench">');
    expect(html).toContain('href="#user-content-fnref-bench"');
    expect(html).not.toContain('user-content-user-content');
    const ids = new Set(idsOf(html));
    expect(fragmentsOf(html).length).toBeGreaterThanOrEqual(4);
    for (const fragment of fragmentsOf(html)) expect(ids).toContain(fragment);
  });

  it('headings get GitHub slugs (prefixed like every id) and an anchor link to themselves; links to a slug work', () => {
    expect(html).toContain('<h3 id="user-content-install">Install<a class="anchor" aria-label="Permalink: Install" href="#user-content-install"></a></h3>');
    expect(html).toContain(`<h2 id="user-content-whats-changed-">What's Changed 🚀<a class="anchor"`);
    expect(html).toContain('<a href="#user-content-install">install notes</a>');
    // The footnotes' visually hidden heading gets no anchor.
    expect(html).toMatch(/<h2 class="sr-only" id="user-content-footnote-label">Footnotes<\/h2>/);
  });

  it("links issues, pull requests, users and commits to the project's repository, not inside code or links", () => {
    expect(html).toContain('<a href="https://github.com/acme/rocket/issues/1234">#1234</a>');
    expect(html).toContain('<a href="https://github.com/acme/rocket/issues/1201">#1201</a>');
    expect(html).toContain('<a href="https://github.com/other-org/fuel/issues/77">other-org/fuel#77</a>');
    expect(html).toContain('<a href="https://github.com/octocat"><strong>@octocat</strong></a>');
    expect(html).toContain('<a href="https://github.com/acme/rocket/commit/f8083175fe890cbf14f41d0a06e7aa35d4989587"><code>f808317</code></a>');
    // A link to one of the repository's pull requests reads as GitHub shows it.
    expect(html).toContain('<a href="https://github.com/acme/rocket/pull/1240">#1240</a>');
    expect(html).toContain('<code>#99</code> and <code>@nobody</code>');
    expect(html).toContain('<a href="https://example.com/five">#5</a>');
    expect(html).not.toContain('issues/99');
  });

  it('links nothing without a repository', async () => {
    const plain = await renderMarkdown('Fixed #12 by @octocat in f8083175fe890cbf14f41d0a06e7aa35d4989587', {});
    expect(plain).toBe('<p>Fixed #12 by @octocat in f8083175fe890cbf14f41d0a06e7aa35d4989587</p>');
  });

  it('highlights code in several languages with class names only (themes come from the stylesheet)', () => {
    const ts = html.match(/<pre tabindex="0"><code class="language-ts">([\s\S]*?)<\/code><\/pre>/)?.[1] ?? '';
    expect(ts).toContain('<span class="pl-k">export</span> <span class="pl-k">function</span> <span class="pl-en">launch</span>');
    expect(ts).toContain('<span class="pl-c">// countdown</span>');
    expect(html).toMatch(/<code class="language-python"><span class="pl-k">def<\/span> <span class="pl-en">launch<\/span>/);
    expect(html).toMatch(/<code class="language-go"><span class="pl-k">func<\/span>/);
    expect(html).not.toMatch(/style=/);
  });

  it('turns emoji shortcodes into emoji, keeps tables, task lists, <details> and images', () => {
    expect(html).toContain('<td align="center">✅</td>');
    expect(html).toContain('<td align="center">❌</td>');
    expect(html).toMatch(
      /<ul class="contains-task-list">\s*<li class="task-list-item"><input type="checkbox" checked disabled aria-label="Done: Docs updated"> Docs updated<\/li>/,
    );
    expect(html).toContain('<details>\n<summary>Full benchmark</summary>');
    expect(html).toContain('<img src="https://user-images.githubusercontent.com/1/chart.png" alt="chart">');
  });

  it('shifts headings so the highest is an h2 (the page has the h1) and none skips a level; code blocks are focusable', async () => {
    const shifted = await renderMarkdown(['# Big', '', '### Skipped a level', '', '###### Deep', '', '## Back', '', '```', 'x', '```'].join('\n'), acme);
    expect([...shifted.matchAll(/<(h[1-6])[ >]/g)].map((m) => m[1])).toEqual(['h2', 'h3', 'h4', 'h3']);
    expect(shifted).toContain('<pre tabindex="0"><code>x');
    const deeper = await renderMarkdown(['### Only h3', '', '#### Then h4'].join('\n'), acme);
    expect([...deeper.matchAll(/<(h[1-6])[ >]/g)].map((m) => m[1])).toEqual(['h2', 'h3']);
  });

  it('keeps harmless inline HTML such as <details>', async () => {
    expect(await renderMarkdown('<details><summary>More</summary>\n\nHidden\n\n</details>', acme)).toContain('<details><summary>More</summary>');
  });

  it.each([
    ['a script tag', '<script>alert(1)</script>', /<script/i],
    ['an event handler', '<img src="x.png" onerror="alert(1)">', /onerror/i],
    ['a javascript: link', '[click](javascript:alert(1))', /javascript:/i],
    ['a javascript: href in HTML', '<a href="javascript:alert(1)">x</a>', /javascript:/i],
    ['an iframe', '<iframe src="https://evil.example"></iframe>', /<iframe/i],
    ['a style attribute', '<p style="background:url(javascript:alert(1))">x</p>', /style=/i],
    ['a style element', '<style>body{display:none}</style>', /<style/i],
    ['a script inside an alert', '> [!NOTE]\n> <script>alert(1)</script> <img src=x onerror=alert(1)>', /<script|onerror/i],
    ['a handler on <details>', '<details ontoggle="alert(1)" open><summary>x</summary></details>', /ontoggle/i],
    ['a javascript: link in a heading', '## [go](javascript:alert(1))', /javascript:/i],
    ['an id that would clobber the page', '<a id="__next" name="__next">x</a>', /id="__next"|name="__next"/],
  ])('makes %s inert', async (_name, input, forbidden) => {
    expect(await renderMarkdown(input, acme)).not.toMatch(forbidden);
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
      const render = renderMarkdown(slow, acme, { timeMs: 1_500 });
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
    expect(await renderMarkdown('**still here**', acme)).toBe('<p><strong>still here</strong></p>');
  }, 120_000);

  it('a render queued behind one that is cancelled still runs (the cancelled thread is replaced)', async () => {
    const threads = Number(process.env.SHIPLOG_MARKDOWN_THREADS ?? 0);
    process.env.SHIPLOG_MARKDOWN_THREADS = '1';
    resetConfig();
    await closeMarkdownPool();
    try {
      const cancelled = renderMarkdown(`${slow}!`, acme, { timeMs: 1_000 });
      const queued = renderMarkdown('*queued behind it*', acme, { timeMs: 60_000 });
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
    await expect(renderMarkdown('x'.repeat(MARKDOWN_MAX_CHARS + 1), acme)).rejects.toMatchObject({ reason: 'too-large' });
  });

  it('stores a refused body as escaped plain text (nothing lost, nothing executable)', async () => {
    process.env.SHIPLOG_MARKDOWN_TIMEOUT_MS = '1000';
    resetConfig();
    try {
      const body = `${slow} & <script>alert(1)</script>`;
      const html = await renderStoredMarkdown(body, acme);
      expect(html).toContain('<pre class="unrendered">[[[');
      expect(html).toContain(']]] &amp; &lt;script&gt;alert(1)&lt;/script&gt;</pre>');
      expect(html).not.toMatch(/<script/);
      // Remembered: storing the same body again does not render it again.
      const again = Date.now();
      expect(await renderStoredMarkdown(body, acme)).toBe(html);
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
