import { gzipSync } from 'node:zlib';
import { waitForFreshHome } from '../../e2e/harness/server';
import type { Section, SuiteContext, Target } from '../lib/report';
import { engineName, onFreshServer } from '../lib/servers';
import { pct } from '../lib/stats';

/**
 * Page weight of the reader pages on the demo data: bytes of HTML as served, of it the inline props
 * (`__NEXT_DATA__`, what the browser parses again to hydrate), and gzipped. Not timed: sizes only.
 */
const HOME_MAX_BYTES = 25 * 1024;
const PROPS_MAX_SHARE = 0.2;

const PAGES: [label: string, path: string][] = [
  ['Home', '/'],
  ['Owner page (acme)', '/acme'],
  ['Project page, 20 releases (acme/rocket)', '/acme/rocket'],
  ['Project page 2 (acme/rocket/page/2)', '/acme/rocket/page/2'],
  ['Release page (acme/rocket v3.0.0)', '/acme/rocket/releases/v3.0.0'],
];

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function inlinePropsBytes(html: string): number {
  const m = /<script id="__NEXT_DATA__" type="application\/json">([^<]*)<\/script>/.exec(html);
  return m ? Buffer.byteLength(m[1]!) : 0;
}

export async function weightSuite(ctx: SuiteContext): Promise<Section> {
  const engine = ctx.engines[0] ?? 'pglite';
  const rows: (string | number)[][] = [];
  const targets: Target[] = [];
  await onFreshServer(engine, 'weight', { demo: true }, async (server) => {
    await waitForFreshHome(server.url);
    for (const [label, path] of PAGES) {
      const res = await fetch(`${server.url}${path}`);
      const html = await res.text();
      if (res.status !== 200) throw new Error(`${path} → ${res.status}`);
      const bytes = Buffer.byteLength(html);
      const props = inlinePropsBytes(html);
      const articles = (html.match(/<article class="release"/g) ?? []).length;
      rows.push([label, articles, kb(bytes), kb(props), pct(props / bytes), kb(gzipSync(html).length)]);
      ctx.log(`  ${path}: ${kb(bytes)} HTML, ${kb(props)} inline props (${pct(props / bytes)})`);
      if (path === '/') targets.push({ name: 'home page HTML ≤ 25 KB', met: bytes <= HOME_MAX_BYTES, measured: kb(bytes) });
      if (path === '/acme/rocket') {
        if (articles !== 20) throw new Error(`${path} shows ${articles} releases, not 20`);
        targets.push({
          name: '20-release project page: inline props ≤ 20 % of its HTML',
          met: props / bytes <= PROPS_MAX_SHARE,
          measured: `${pct(props / bytes)} (${kb(props)} of ${kb(bytes)})`,
        });
      }
    }
  });
  return {
    id: 'weight',
    title: '7. Page weight',
    method:
      `Reader pages of the demo data (${engineName(engine)}), fetched once each from a fresh server after the home page was refreshed: the HTML as served (uncompressed bytes), ` +
      'the inline props in it (`<script id="__NEXT_DATA__">`, parsed again by the browser to hydrate) and the HTML gzipped. Sizes, not timings: they do not move with load.',
    tables: [{ head: ['Page', 'Releases shown', 'HTML', 'Inline props', 'Props share', 'HTML gzipped'], rows }],
    notes: [
      "The notes travel once: rendered in the HTML; the inline props leave them out (lib/site/inline-props.ts), and lists (home, owner page, a release page's neighbours) never load them. Before: home 53 KB (42 KB props), project page 77 KB (41 KB props).",
    ],
    targets,
  };
}
