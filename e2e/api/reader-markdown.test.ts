// GitHub-faithful notes, end to end: a release created through the API comes back with its alert
// rendered and footnote links that reach their targets, in the API's notes.html and on its page; the
// page's stylesheets colour the highlighted code in light and dark.
export {};
const base = () => process.env.SHIPLOG_TEST_URL!;
const auth = () => ({ authorization: `Bearer ${process.env.SHIPLOG_TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' });
const owner = 'markdown';
const repo = `notes-${Date.now().toString(36)}`;
const api = `/api/v2/projects/${owner}/${repo}`;

const NOTES = `## Highlights

> [!WARNING]
> Sessions are invalidated on upgrade (#42).

Thanks to @octocat for the fix.[^1]

\`\`\`ts
export const answer: number = 42; // the answer
\`\`\`

[^1]: Reported in the forum.
`;

const idsOf = (html: string) => new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
const footnoteLinksOf = (html: string) => [...html.matchAll(/<a href="#([^"]+)"[^>]*data-footnote-(?:ref|backref)/g)].map((m) => m[1]!);

/** The notes' footnote links, each reaching an id on the same page. */
function expectWorkingFootnotes(html: string) {
  const links = footnoteLinksOf(html);
  expect(links).toEqual(['user-content-fn-1', 'user-content-fnref-1']);
  const ids = idsOf(html);
  for (const link of links) expect(ids).toContain(link);
  expect(html).not.toContain('user-content-user-content');
}

function expectAlert(html: string) {
  expect(html).toMatch(/<div class="markdown-alert markdown-alert-warning"><p class="markdown-alert-title"><svg[^>]*>.*?<\/svg>Warning<\/p>/s);
  expect(html).not.toContain('[!WARNING]');
}

beforeAll(async () => {
  expect((await fetch(`${base()}/api/v1/projects`, { method: 'POST', headers: auth(), body: JSON.stringify({ owner, repo, name: 'Markdown' }) })).status).toBe(201);
});

describe('GitHub-faithful notes', () => {
  it("notes.html has the alert, working footnotes, highlighted code and links to the project's repository", async () => {
    const created = await fetch(`${base()}${api}/releases`, { method: 'POST', headers: auth(), body: JSON.stringify({ tag: 'v1.0.0', notes: { markdown: NOTES } }) });
    expect(created.status).toBe(201);
    const html = (await created.json()).notes.html as string;
    expectAlert(html);
    expectWorkingFootnotes(html);
    expect(html).toContain(`<a href="https://github.com/${owner}/${repo}/issues/42">#42</a>`);
    expect(html).toContain('<a href="https://github.com/octocat"><strong>@octocat</strong></a>');
    expect(html).toContain('<span class="pl-k">export</span>');
    // Read back: the stored HTML, the same.
    const read = await fetch(`${base()}${api}/releases/v1.0.0`, { headers: auth() });
    expect((await read.json()).notes.html).toBe(html);
  });

  it('the release page shows the alert and footnotes that jump, and its stylesheets colour code in light and dark', async () => {
    const res = await fetch(`${base()}/${owner}/${repo}/releases/v1.0.0`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expectAlert(page);
    expectWorkingFootnotes(page);
    expect(page).toMatch(/<h2 id="user-content-highlights">Highlights<a class="anchor" aria-label="Permalink: Highlights" href="#user-content-highlights">/);
    expect(page).toContain('<span class="pl-c">// the answer</span>');
    const sheets = [...page.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
    expect(sheets.length).toBeGreaterThan(0);
    const css = (await Promise.all(sheets.map(async (href) => (await fetch(new URL(href, base()))).text()))).join('\n');
    // starry-night's GitHub theme: the token classes, light colours, and dark ones under prefers-color-scheme.
    expect(css).toMatch(/\.pl-k[^{]*\{[^}]*color:\s*var\(--color-prettylights-syntax-keyword\)/);
    expect(css).toMatch(/--color-prettylights-syntax-keyword:\s*#cf222e/);
    expect(css).toMatch(/@media \(prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{[^}]*--color-prettylights-syntax-keyword:\s*#ff7b72/);
    expect(css).toContain('.markdown-alert-warning');
  });
});
