import type { Element, ElementContent, Root, RootContent, Text } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml } from 'hast-util-to-html';
import { toString } from 'hast-util-to-string';
import { LRUCache } from 'lru-cache';

/**
 * The short form of a release's notes that the widget shows: the notes' "Highlights" section when
 * they have one, else their first paragraph (or list, for notes that start with one), at most
 * SUMMARY_MAX_CHARS characters of text. Made from the stored, already sanitized HTML, so it is only
 * ever a subset of it: images, footnotes, heading anchors and ids are left out, and every link is
 * made absolute against the release page (a relative link or image in the notes must never resolve
 * against the site that embeds the widget) and opens in a new tab.
 */
export interface NotesSummary {
  html: string;
  /** Whether the notes hold more than the summary (the widget then says "Read more"). */
  truncated: boolean;
}

export const SUMMARY_MAX_CHARS = 280;
/** Items of a list kept in a summary. */
const MAX_LIST_ITEMS = 4;

const HIGHLIGHTS = /^\s*(?:[\p{Extended_Pictographic}\uFE0F\u200D]+\s*)?(?:highlights?|tl;?dr|summary|what['’]s new)\s*:?\s*$/iu;
const HEADING = /^h[1-6]$/;
/** Dropped wherever they are: media (images stay on the release page), footnote references and anchors. */
const MEDIA = new Set(['img', 'picture', 'video', 'audio', 'source', 'svg', 'iframe', 'object', 'embed']);

const isElement = (n: RootContent | ElementContent | undefined): n is Element => n?.type === 'element';
const classes = (e: Element): string[] => {
  const c = e.properties.className;
  return Array.isArray(c) ? c.map(String) : typeof c === 'string' ? String(c).split(' ') : [];
};
const rank = (e: Element) => Number(e.tagName.slice(1));
const textOf = (n: Root | Element) => toString(n).replace(/\s+/g, ' ').trim();

/** Whether an element is worth nothing in a summary (a footnote reference, a heading anchor, media). */
function dropped(e: Element): boolean {
  if (MEDIA.has(e.tagName)) return true;
  if (e.tagName === 'a' && classes(e).includes('anchor')) return true;
  if (e.tagName === 'sup' && e.children.some((c) => isElement(c) && c.tagName === 'a' && 'dataFootnoteRef' in c.properties)) return true;
  return false;
}

function absolute(value: unknown, base: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A copy of `node` fit for the widget: dropped parts removed, ids gone, links absolute and opening a new tab. */
function clean<T extends ElementContent>(node: T, base: string): T | undefined {
  if (node.type !== 'element') return node.type === 'text' ? node : undefined;
  if (dropped(node)) return undefined;
  const properties: Element['properties'] = {};
  for (const [key, value] of Object.entries(node.properties)) {
    // Ids would repeat across releases (and clash with the host page); references to them go with them.
    if (key === 'id' || key === 'ariaDescribedBy' || key === 'ariaLabelledBy' || key.startsWith('data')) continue;
    properties[key] = value;
  }
  if (node.tagName === 'a') {
    const href = absolute(node.properties.href, base);
    if (href) {
      properties.href = href;
      properties.target = '_blank';
      properties.rel = ['noopener'];
    } else delete properties.href;
  }
  const children = node.children.map((c) => clean(c, base)).filter((c): c is ElementContent => c !== undefined);
  // A heading inside a summary is a bold line: the widget's own headings stay the only ones.
  if (HEADING.test(node.tagName))
    return { type: 'element', tagName: 'p', properties: {}, children: [{ type: 'element', tagName: 'strong', properties: {}, children }] } as Element as T;
  return { ...node, properties, children } as T;
}

/** Keeps at most `budget` characters of text (cut at a word, with an ellipsis); says whether it cut. */
function cut(nodes: ElementContent[], budget: { left: number }): { nodes: ElementContent[]; cut: boolean } {
  const out: ElementContent[] = [];
  for (const node of nodes) {
    if (budget.left <= 0) return { nodes: out, cut: true };
    if (node.type === 'text') {
      const value = node.value;
      if (value.length <= budget.left) {
        out.push(node);
        budget.left -= value.length;
        continue;
      }
      const head = value.slice(0, budget.left);
      const atWord = head.replace(/\s+\S*$/, '');
      out.push({ type: 'text', value: `${(atWord.length > head.length / 2 ? atWord : head).trimEnd()}…` } satisfies Text);
      budget.left = 0;
      return { nodes: out, cut: true };
    }
    if (node.type !== 'element') continue;
    const inner = cut(node.children, budget);
    out.push({ ...node, children: inner.nodes });
    if (inner.cut) return { nodes: out, cut: true };
  }
  return { nodes: out, cut: false };
}

/** The blocks the summary is made of (before cleaning): the Highlights section, or the first text block. */
function pick(root: Root): Element[] {
  const top = root.children.filter(isElement);
  const start = top.findIndex((e) => HEADING.test(e.tagName) && HIGHLIGHTS.test(textOf(e)));
  if (start >= 0) {
    const heading = top[start]!;
    const blocks: Element[] = [];
    for (const e of top.slice(start + 1)) {
      if (HEADING.test(e.tagName) && rank(e) <= rank(heading)) break;
      blocks.push(e);
    }
    if (blocks.some((b) => textOf(b))) return blocks;
  }
  // The first block with text of its own (a paragraph of only images or badges does not count).
  const first = top.find((e) => ['p', 'ul', 'ol', 'blockquote'].includes(e.tagName) && textOf(clean(e, 'http://x.invalid/') ?? e));
  return first ? [first] : [];
}

function summarize(html: string, releaseUrl: string): NotesSummary {
  const root = fromHtml(html, { fragment: true });
  const all = textOf(root);
  const blocks = pick(root);
  const budget = { left: SUMMARY_MAX_CHARS };
  const kept: ElementContent[] = [];
  let truncated = false;
  for (const block of blocks) {
    let cleaned = clean(block, releaseUrl);
    if (!cleaned || !textOf(cleaned)) continue;
    if ((cleaned.tagName === 'ul' || cleaned.tagName === 'ol') && cleaned.children.filter(isElement).length > MAX_LIST_ITEMS) {
      const items = cleaned.children.filter(isElement).slice(0, MAX_LIST_ITEMS);
      cleaned = { ...cleaned, children: items.flatMap((li) => [{ type: 'text', value: '\n' } as Text, li]) };
      truncated = true;
    }
    if (budget.left <= 0) {
      truncated = true;
      break;
    }
    const result = cut([cleaned], budget);
    kept.push(...result.nodes, { type: 'text', value: '\n' });
    if (result.cut) {
      truncated = true;
      break;
    }
  }
  const summary: Root = { type: 'root', children: kept };
  const text = textOf(summary);
  // More text, or more blocks (an image, a table) than the summary took.
  if (text.length < all.length || root.children.filter(isElement).length > blocks.length) truncated = true;
  return { html: kept.length ? toHtml(summary).trim() : '', truncated };
}

const g = globalThis as typeof globalThis & { __shiplogSummaries?: LRUCache<string, NotesSummary> };

/**
 * The summary of a release's notes (see NotesSummary), remembered per release version and page URL:
 * computing it parses the notes, which happens once per change of a release, not once per widget read.
 */
export function notesSummary(release: { id: number; version: number; bodyHtml: string }, releaseUrl: string): NotesSummary {
  const cache = (g.__shiplogSummaries ??= new LRUCache<string, NotesSummary>({ max: 5_000 }));
  const key = `${release.id}|${release.version}|${releaseUrl}`;
  let summary = cache.get(key);
  if (!summary) {
    summary = summarize(release.bodyHtml, releaseUrl);
    cache.set(key, summary);
  }
  return summary;
}

/** For tests: the summary of notes HTML, uncached. */
export const summarizeNotes = summarize;
