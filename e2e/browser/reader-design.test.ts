// Reader pages as designed (issue 15): axe-core finds no violation on any reader page, light and dark, at
// 1280 and 390 px; the notes travel once (rendered in the HTML, not again in the inline props) and stay
// after hydration; prereleases hide and show through the URL, with and without script. Screenshots of
// every page and width land in e2e/artifacts/ (git-ignored).
import type { Browser } from 'playwright-core';
import { expectNoAxeViolations } from '../harness/axe';
import { launchBrowser, openContext, screenshot, type WatchedPage } from '../harness/browser';

const base = () => process.env.SHIPLOG_TEST_URL!;

/** Every kind of reader page, on the demo data. */
const PAGES: [label: string, path: string][] = [
  ['home', '/'],
  ['owner', '/acme'],
  ['project', '/acme/rocket'],
  ['project-page-2', '/acme/rocket/page/2'],
  ['project-prereleases', '/acme/ui'],
  ['release', '/acme/rocket/releases/v2.0.0'],
  ['release-prerelease', '/acme/ui/releases/%40acme/ui%402.0.0-next.2'],
  ['not-found', '/nobody-here/nothing'],
  ['search', '/search?q=deploy'],
  ['search-project', '/acme/rocket/search?q=rollback'],
  ['search-none', '/search?q=zzzxqj'],
];
const WIDTHS = [1280, 390];

let browser: Browser;
const opened: WatchedPage[] = [];
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const w of opened.splice(0)) await w.context.close();
});

async function open(path: string, options: Parameters<typeof openContext>[1] = {}) {
  const w = await openContext(browser, options);
  opened.push(w);
  const res = await w.page.goto(`${base()}${path}`, { waitUntil: 'load' });
  return { ...w, status: res?.status() };
}

/** The page's inline props (`__NEXT_DATA__`), as bytes and parsed. */
function inlineProps(html: string): { bytes: number; pageProps: Record<string, unknown> } {
  const m = /<script id="__NEXT_DATA__" type="application\/json">([^<]*)<\/script>/.exec(html);
  if (!m) throw new Error('no __NEXT_DATA__');
  return { bytes: Buffer.byteLength(m[1]!), pageProps: JSON.parse(m[1]!).props.pageProps };
}

describe('axe-core on every reader page, and no horizontal scrolling', () => {
  for (const width of WIDTHS) {
    for (const [label, path] of PAGES) {
      it(`${label} (${path}) at ${width} px: no violations, light and dark; as wide as the window`, async () => {
        const { page, status } = await open(path, { viewport: { width, height: 900 } });
        expect(status).toBe(label === 'not-found' ? 404 : 200);
        await expectNoAxeViolations(page, `${label}-${width}`);
        // Nothing (a table, a code block, a long tag) widens the page past the window: it scrolls inside.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          await screenshot(page, `design-${label}-${width}-${scheme}`);
        }
      });
    }
  }
});

describe('page weight: the notes travel once', () => {
  it("a 20-release project page's inline props carry no notes and weigh at most 20 % of its HTML; the notes stay after hydration", async () => {
    const html = await (await fetch(`${base()}/acme/rocket`)).text();
    const { bytes, pageProps } = inlineProps(html);
    const releases = pageProps.releases as Record<string, unknown>[];
    expect(releases).toHaveLength(20);
    for (const r of releases) expect(r).not.toHaveProperty('html');
    expect(bytes / Buffer.byteLength(html)).toBeLessThanOrEqual(0.2);
    // The page's JSON for client-side navigations keeps them (it renders them itself).
    const { page, errors } = await open('/acme/rocket');
    await page.locator('.live[data-live="on"]').waitFor({ state: 'attached', timeout: 15_000 });
    const notes = await page.locator('article.release .notes').evaluateAll((els) => els.map((e) => e.innerHTML.length));
    expect(notes).toHaveLength(20);
    for (const length of notes) expect(length).toBeGreaterThan(20);
    expect(errors).toEqual([]);
  });

  it('a release page carries its notes once and lists its neighbours without theirs', async () => {
    const html = await (await fetch(`${base()}/acme/rocket/releases/v2.0.0`)).text();
    const { pageProps } = inlineProps(html);
    expect(pageProps.release).not.toHaveProperty('html');
    for (const key of ['previous', 'next']) if (pageProps[key]) expect(pageProps[key]).not.toHaveProperty('html');
    expect(html.match(/class="notes markdown-body"/g)).toHaveLength(1);
  });
});

describe('the release title is the largest heading; the tag is not repeated under it', () => {
  it('on a release page the h1 is larger than every heading of the notes', async () => {
    const { page } = await open('/acme/rocket/releases/v2.0.0', { viewport: { width: 390, height: 900 } });
    expect(await page.locator('h1').count()).toBe(1);
    const sizes = await page.evaluate(() => ({
      h1: parseFloat(getComputedStyle(document.querySelector('h1')!).fontSize),
      notes: [...document.querySelectorAll('.notes :is(h1,h2,h3,h4,h5,h6)')].map((h) => parseFloat(getComputedStyle(h).fontSize)),
    }));
    for (const size of sizes.notes) expect(size).toBeLessThan(sizes.h1);
  });

  it('a title that says the tag has no tag under it; the notes are no wider than about 70 characters', async () => {
    const { page } = await open('/acme/rocket', { viewport: { width: 1280, height: 900 } });
    const repeats = await page
      .locator('article.release')
      .evaluateAll((els) =>
        els
          .filter((e) => e.querySelector('.release-title')!.textContent!.includes(e.getAttribute('data-tag')!) && e.querySelector('.release-meta .tag'))
          .map((e) => e.getAttribute('data-tag')),
      );
    expect(repeats).toEqual([]);
    const chars = await page.evaluate(() => {
      const p = document.querySelector('.notes p')!;
      const probe = document.createElement('span');
      probe.textContent = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 ,.';
      p.appendChild(probe);
      const perChar = probe.getBoundingClientRect().width / probe.textContent.length;
      probe.remove();
      return document.querySelector('.notes')!.getBoundingClientRect().width / perChar;
    });
    expect(chars).toBeGreaterThan(55);
    expect(chars).toBeLessThan(85);
  });
});

describe('prereleases hide and show through the URL', () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`with script ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
      const { page } = await open('/acme/ui', { javaScriptEnabled });
      const pre = page.locator('article.release[data-prerelease="true"]');
      expect(await pre.count()).toBeGreaterThan(0);
      expect(await pre.first().isVisible()).toBe(true);
      await page.locator('a.hide-pre').click();
      expect(new URL(page.url()).hash).toBe('#hide-prereleases');
      expect(await pre.evaluateAll((els) => els.every((e) => getComputedStyle(e).display === 'none'))).toBe(true);
      expect(await page.locator('article.release:not([data-prerelease])').first().isVisible()).toBe(true);
      // A link to that URL opens the page with them hidden.
      await page.goto(`${base()}/acme/ui#hide-prereleases`);
      expect(await pre.first().isVisible()).toBe(false);
      await page.locator('a.show-pre').click();
      expect(await pre.first().isVisible()).toBe(true);
    });
  }
});

describe('keyboard', () => {
  it('the skip link is the first stop and leads to the content; code blocks are reachable', async () => {
    const { page } = await open('/acme/rocket');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#content');
    expect(await page.locator('.notes pre').count()).toBeGreaterThan(0);
    expect(await page.locator('.notes pre:not([tabindex="0"])').count()).toBe(0);
  });
});
