// The markdown renderer, run on worker threads (piscina) so that a large or pathological body never
// blocks the server's event loop. Plain ES module JavaScript, loaded from disk by path at run time: the
// same file serves `next start`, jest, tsx scripts and serverless functions (it is traced into them via
// next.config.js). The main thread cancels a render that runs past its time by ending the thread.
import { common } from '@wooorm/starry-night';
import sourceDockerfile from '@wooorm/starry-night/source.dockerfile';
import sourceElixir from '@wooorm/starry-night/source.elixir';
import sourcePowershell from '@wooorm/starry-night/source.powershell';
import sourceToml from '@wooorm/starry-night/source.toml';
import sourceTsx from '@wooorm/starry-night/source.tsx';
import textShellSession from '@wooorm/starry-night/text.shell-session';
import rehypeAutolinkHeadings from 'rehype-autolink-headings';
import rehypeGithubAlert from 'rehype-github-alert';
import rehypeRaw from 'rehype-raw';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeSlug from 'rehype-slug';
import rehypeStarryNight from 'rehype-starry-night';
import rehypeStringify from 'rehype-stringify';
import remarkGemoji from 'remark-gemoji';
import remarkGfm from 'remark-gfm';
import remarkGithub from 'remark-github';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

/**
 * The renderer's version, stored with the HTML it made (releases.body_html_renderer): raise it whenever
 * a change here changes the HTML of some body, and stored notes are rendered again (lib/markdown/refresh.ts).
 * 1: GitHub-flavoured markdown and GitHub's sanitizer. 2: alerts, footnote links that work, autolinked
 * references, highlighted code, heading anchors, emoji shortcodes. 3: headings start at h2 and never skip
a level (the page's h1 is the release title), task-list checkboxes are labelled, code blocks are
reachable by keyboard (they scroll).
 * Raising it also takes a migration that sets the default of releases.body_html_renderer to the new
 * version (the default marks rows written with their own HTML, e.g. by SQL, as current).
 */
export const RENDERER_VERSION = 3;

/** The prefix the sanitizer puts before every `id` and `name` from the notes (GitHub's), so that notes cannot clobber the page's own ids. */
const CLOBBER_PREFIX = defaultSchema.clobberPrefix ?? 'user-content-';

/** `owner/repo` as GitHub spells repositories: the only values autolinks are made against. */
const REPOSITORY = /^[\w.-]+\/[\w.-]+$/;

/**
 * GitHub's references (`#12`, `owner/repo#12`, `@user`, commit SHAs shown as 7 characters, GitHub URLs
 * shortened) linked against the repository this render is for (`file.data.repository`); none when it
 * has none. Never inside code or links (remark-github skips them).
 */
function remarkGithubReferences() {
  return function (tree, file) {
    const repository = file.data.repository;
    if (typeof repository !== 'string' || !REPOSITORY.test(repository)) return;
    remarkGithub({ repository })(tree, file);
  };
}

const textOf = (node) => (node.type === 'text' ? node.value : 'children' in node ? node.children.map(textOf).join('') : '');

/**
 * In-page links made to work without script: the sanitizer prefixes every id of the notes
 * (`user-content-`), so a link to `#install` (a heading's slug, a footnote) is pointed at
 * `#user-content-install` when that is an id of the notes and `install` is not. GitHub does the same
 * with script on its pages.
 */
function rehypeClobberedFragments() {
  return function (tree) {
    const ids = new Set();
    const links = [];
    const walk = (node) => {
      if (node.type === 'element') {
        if (typeof node.properties.id === 'string') ids.add(node.properties.id);
        if (node.tagName === 'a' && typeof node.properties.href === 'string' && node.properties.href.startsWith('#')) links.push(node);
      }
      if ('children' in node) for (const child of node.children) walk(child);
    };
    walk(tree);
    for (const link of links) {
      let fragment;
      try {
        fragment = decodeURIComponent(link.properties.href.slice(1));
      } catch {
        continue;
      }
      if (!ids.has(fragment) && ids.has(CLOBBER_PREFIX + fragment)) link.properties.href = `#${CLOBBER_PREFIX}${encodeURIComponent(fragment)}`;
    }
  };
}

/** The highest heading level notes keep: the page around them has the h1 (the release or project title). */
const TOP_HEADING = 2;

const HEADING = /^h[1-6]$/;

/**
 * The notes fitted into the page they are shown on, and made accessible (fixed markup after the
 * sanitizer): headings shifted so the notes' highest is an h2 and none skips a level (a release title
 * is the page's only h1, and screen readers' heading lists stay in order); task-list checkboxes named by
 * their item's text; code blocks focusable, so a block wider than the column scrolls by keyboard.
 */
function rehypeReaderStructure() {
  return function (tree) {
    const headings = [];
    const checkboxes = [];
    const walk = (node, item) => {
      if (node.type === 'element') {
        if (HEADING.test(node.tagName)) headings.push(node);
        else if (node.tagName === 'pre') node.properties.tabIndex = 0;
        else if (node.tagName === 'input' && node.properties.type === 'checkbox' && item) checkboxes.push([node, item]);
        if (node.tagName === 'li') item = node;
      }
      if ('children' in node) for (const child of node.children) walk(child, item);
    };
    walk(tree, undefined);
    const highest = Math.min(...headings.map((h) => Number(h.tagName[1])));
    let previous = TOP_HEADING - 1;
    for (const heading of headings) {
      const level = Math.min(6, Number(heading.tagName[1]) - highest + TOP_HEADING, previous + 1);
      heading.tagName = `h${level}`;
      previous = level;
    }
    for (const [box, item] of checkboxes) {
      const text = textOf(item).trim().replace(/\s+/g, ' ');
      box.properties.ariaLabel = `${box.properties.checked ? 'Done' : 'To do'}: ${text.length > 120 ? `${text.slice(0, 119)}…` : text || 'task'}`;
    }
  };
}

/**
 * GitHub-flavoured markdown as GitHub renders it, sanitized with GitHub's own allow-list
 * (rehype-sanitize's default schema): scripts, event handlers, style and `javascript:` URLs come out
 * inert. What the notes say is parsed and sanitized first; the enhancements after the sanitizer
 * (alerts, code highlighting, heading anchors) only restructure its output or add fixed markup.
 */
const build = () =>
  unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkGithubReferences)
    .use(remarkGemoji)
    // Ids unprefixed here: the sanitizer prefixes them once (with a prefix here too, footnotes' ids were
    // prefixed twice while their links were prefixed once).
    .use(remarkRehype, { allowDangerousHtml: true, clobberPrefix: '' })
    .use(rehypeRaw) // parse inline HTML (<details>, <img>) so the sanitizer, not the parser, decides
    .use(rehypeSlug) // GitHub's heading slugs, prefixed by the sanitizer like any id
    .use(rehypeSanitize)
    .use(rehypeGithubAlert)
    .use(rehypeReaderStructure)
    .use(rehypeStarryNight, {
      grammars: [...common, sourceDockerfile, sourceElixir, sourcePowershell, sourceToml, sourceTsx, textShellSession],
      allowMissingScopes: true,
    })
    .use(rehypeAutolinkHeadings, {
      behavior: 'append',
      // Not the footnotes' visually hidden heading.
      test: (heading) => !(heading.properties.className ?? []).includes('sr-only'),
      properties: (heading) => ({ className: ['anchor'], ariaLabel: `Permalink: ${textOf(heading)}` }),
      // Empty: the stylesheet draws the link icon (an inline SVG per heading weighed ~1 KB of every page).
      content: [],
    })
    .use(rehypeClobberedFragments)
    .use(rehypeStringify)
    .freeze();

let processor;

/**
 * Builds the renderer (once). Throws where this module was compiled to CommonJS (tsx scripts): there
 * starry-night's default imports of CommonJS packages come out undefined; the caller then renders on the
 * worker threads, where this file always runs as an ES module.
 */
export function prepare() {
  processor ??= build();
  return processor;
}

/**
 * One render. `started` (a shared BigInt64Array of one element) receives the time the render began,
 * so the main thread counts the time limit from then, not from when the task was queued. `repository`
 * (`owner/repo`) is what `#12`, `@user` and SHAs link to.
 */
export default async function render({ markdown, started, repository }) {
  if (started) Atomics.store(started, 0, BigInt(Date.now()));
  const file = await prepare().process({ value: markdown, data: { repository } });
  return String(file);
}
