import { renderMarkdown } from '../markdown';
import { notesSummary, summarizeNotes, SUMMARY_MAX_CHARS } from './summary';

const PAGE = 'https://shiplog.example/acme/rocket/releases/v2.0.0';
/** Notes as the renderer stores them (sanitized HTML with GitHub's markup), summarized. */
const summary = async (markdown: string) => summarizeNotes(await renderMarkdown(markdown, { repository: 'acme/rocket' }), PAGE);

describe('notes summary', () => {
  it('is the Highlights section when there is one, up to the next heading of its level', async () => {
    const s = await summary('Intro words.\n\n## 🎉 Highlights\n\n- **Faster** builds\n- Smaller bundles\n\n### Detail\n\nMore.\n\n## Fixes\n\n- one');
    expect(s.html).toBe('<ul>\n<li><strong>Faster</strong> builds</li>\n<li>Smaller bundles</li>\n</ul>\n<p><strong>Detail</strong></p>\n<p>More.</p>');
    expect(s.truncated).toBe(true);
  });

  it('is the first paragraph otherwise, skipping one of images only (badges, a screenshot)', async () => {
    const s = await summary('![banner](https://example.com/b.png)\n\nThis release makes **everything** faster.\n\nSecond paragraph.');
    expect(s.html).toBe('<p>This release makes <strong>everything</strong> faster.</p>');
    expect(s.truncated).toBe(true);
  });

  it("is the first list of GitHub's generated notes, at most 4 items", async () => {
    const items = [1, 2, 3, 4, 5, 6].map((n) => `* Change ${n} by @dev in #${n}`).join('\n');
    const s = await summary(`## What's Changed\n${items}\n\n**Full Changelog**: https://github.com/acme/rocket/compare/v1...v2`);
    expect((s.html.match(/<li>/g) ?? []).length).toBe(4);
    expect(s.html).toContain('<a href="https://github.com/acme/rocket/issues/1" target="_blank" rel="noopener">#1</a>');
    expect(s.truncated).toBe(true);
  });

  it('leaves out images, footnote references, heading anchors and ids, and makes every link absolute to the release page', async () => {
    const s = await summary('Read [the guide](docs/guide.md), [the API](/docs/api) and [this](#usage) ![shot](./shot.png)[^1].\n\n## Usage\n\nx\n\n[^1]: A footnote.');
    expect(s.html).toBe(
      '<p>Read <a href="https://shiplog.example/acme/rocket/releases/docs/guide.md" target="_blank" rel="noopener">the guide</a>, ' +
        '<a href="https://shiplog.example/docs/api" target="_blank" rel="noopener">the API</a> and ' +
        '<a href="https://shiplog.example/acme/rocket/releases/v2.0.0#user-content-usage" target="_blank" rel="noopener">this</a> .</p>',
    );
    expect(s.html).not.toMatch(/<img|<sup|id=|class="anchor"/);
  });

  it('is cut at a word after SUMMARY_MAX_CHARS characters of text, with an ellipsis', async () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const s = await summary(`${words} **bold end**`);
    const text = s.html.replace(/<[^>]+>/g, '');
    expect(text.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS + 1);
    expect(text).toMatch(/word\d+…$/);
    expect(s.html).toMatch(/^<p>.*…<\/p>$/);
    expect(s.truncated).toBe(true);
  });

  it('is the whole notes, not truncated, for a one-paragraph release; empty for notes without text', async () => {
    expect(await summary('Just this.')).toEqual({ html: '<p>Just this.</p>', truncated: false });
    expect(await summary('')).toEqual({ html: '', truncated: false });
    // Nothing to say here, but the release page has something to show.
    expect(await summary('![only an image](https://example.com/x.png)')).toEqual({ html: '', truncated: true });
  });

  it("keeps the sanitizer's work: nothing it removed comes back", async () => {
    const s = await summary('Hello <script>alert(1)</script><a href="javascript:alert(1)" onclick="x()">link</a>');
    expect(s.html).not.toMatch(/script|javascript:|onclick/);
  });

  it('is remembered per release version and page URL', () => {
    const release = { id: 1, version: 1, bodyHtml: '<p>One</p>' };
    const first = notesSummary(release, PAGE);
    expect(notesSummary({ ...release, bodyHtml: '<p>Changed without a new version</p>' }, PAGE)).toBe(first);
    expect(notesSummary({ ...release, version: 2, bodyHtml: '<p>Two</p>' }, PAGE).html).toBe('<p>Two</p>');
  });
});
