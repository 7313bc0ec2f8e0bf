import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db';
import { publicReleaseSql, releasesR } from '../releases/visibility';
import { absoluteUrl } from './meta';
import { ownerPagePath, projectPagePath, releasePagePath } from './paths';

/**
 * sitemap.xml (https://www.sitemaps.org/protocol.html) and robots.txt. Every public reader page: the
 * home page, each owner's page, each project's changelog and each published release (the one
 * visibility rule, lib/releases/visibility.ts), with `lastmod`. Up to SITEMAP_PAGE_SIZE URLs it is one
 * `urlset`; beyond, /sitemap.xml is a `sitemapindex` of /sitemap-1.xml, /sitemap-2.xml, ….
 */

/** URLs per sitemap file (the protocol allows 50,000; smaller files stay cheap to build and fetch). */
export const SITEMAP_PAGE_SIZE = 10_000;

export interface SitemapEntry {
  path: string;
  lastmod: Date | null;
}

const PUBLIC_RELEASE = publicReleaseSql(releasesR);

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

const toDate = (v: Date | string | null) => (v === null ? null : v instanceof Date ? v : new Date(v));
const latest = (dates: (Date | null)[]) => dates.reduce<Date | null>((a, d) => (d && (!a || d > a) ? d : a), null);

/** The home page, owners' pages and projects' changelogs (one row per project, so bounded by them). */
async function sitePages(db: Executor): Promise<SitemapEntry[]> {
  const projects = await rows<{ owner: string; repo: string; lastmod: Date | string | null }>(
    db,
    sql`select p.owner, p.repo,
          greatest(p.updated_at, (select max(greatest(r.updated_at, r.published_at)) from releases r where r.project_id = p.id and ${PUBLIC_RELEASE})) as lastmod
        from projects p
        order by lower(p.owner), lower(p.repo)`,
  );
  const owners = new Map<string, { owner: string; lastmod: Date | null }>();
  for (const p of projects) {
    const key = p.owner.toLowerCase();
    const seen = owners.get(key);
    owners.set(key, { owner: seen?.owner ?? p.owner, lastmod: latest([seen?.lastmod ?? null, toDate(p.lastmod)]) });
  }
  return [
    { path: '/', lastmod: latest(projects.map((p) => toDate(p.lastmod))) },
    ...[...owners.values()].map((o) => ({ path: ownerPagePath(o.owner), lastmod: o.lastmod })),
    ...projects.map((p) => ({ path: projectPagePath(p.owner, p.repo), lastmod: toDate(p.lastmod) })),
  ];
}

async function publicReleaseCount(db: Executor): Promise<number> {
  const [row] = await rows<{ n: number | string }>(db, sql`select count(*)::int as n from releases r where ${PUBLIC_RELEASE}`);
  return Number(row?.n ?? 0);
}

async function releasePages(db: Executor, offset: number, limit: number): Promise<SitemapEntry[]> {
  if (limit <= 0) return [];
  const found = await rows<{ owner: string; repo: string; tag: string; lastmod: Date | string }>(
    db,
    sql`select p.owner, p.repo, r.tag, greatest(r.updated_at, r.published_at) as lastmod
        from releases r join projects p on p.id = r.project_id
        where ${PUBLIC_RELEASE}
        order by r.project_id, r.id
        offset ${offset} limit ${limit}`,
  );
  return found.map((r) => ({ path: releasePagePath(r.owner, r.repo, r.tag), lastmod: toDate(r.lastmod) }));
}

export type Sitemap = { kind: 'urlset'; entries: SitemapEntry[] } | { kind: 'index'; pages: { n: number; lastmod: Date | null }[] };

/**
 * /sitemap.xml (`page` undefined): every URL when they fit one file, else the index of the pages;
 * /sitemap-{page}.xml: that page's URLs (undefined when there is no such page).
 */
export async function loadSitemap(db: Executor, page?: number): Promise<Sitemap | undefined> {
  const site = await sitePages(db);
  const releaseCount = await publicReleaseCount(db);
  const total = site.length + releaseCount;
  const pages = Math.max(1, Math.ceil(total / SITEMAP_PAGE_SIZE));
  if (page === undefined && pages === 1) return { kind: 'urlset', entries: [...site, ...(await releasePages(db, 0, releaseCount))] };
  if (page === undefined) return { kind: 'index', pages: Array.from({ length: pages }, (_, i) => ({ n: i + 1, lastmod: site[0]?.lastmod ?? null })) };
  if (!Number.isInteger(page) || page < 1 || page > pages) return undefined;
  const start = (page - 1) * SITEMAP_PAGE_SIZE;
  const fromSite = site.slice(start, start + SITEMAP_PAGE_SIZE);
  const releaseStart = Math.max(0, start - site.length);
  return { kind: 'urlset', entries: [...fromSite, ...(await releasePages(db, releaseStart, SITEMAP_PAGE_SIZE - fromSite.length))] };
}

export function sitemapPagePath(n: number): string {
  return `/sitemap-${n}.xml`;
}

export function sitemapXml(origin: string, map: Sitemap): string {
  const lastmod = (d: Date | null) => (d ? `<lastmod>${d.toISOString()}</lastmod>` : '');
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (map.kind === 'index') {
    const items = map.pages.map((p) => `  <sitemap><loc>${escapeXml(absoluteUrl(origin, sitemapPagePath(p.n)))}</loc>${lastmod(p.lastmod)}</sitemap>`);
    return `${head}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${items.join('\n')}\n</sitemapindex>\n`;
  }
  const items = map.entries.map((e) => `  <url><loc>${escapeXml(absoluteUrl(origin, e.path))}</loc>${lastmod(e.lastmod)}</url>`);
  return `${head}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${items.join('\n')}\n</urlset>\n`;
}

/**
 * robots.txt: everything readers see may be crawled, including feeds and card images (link-preview
 * bots such as Twitterbot obey robots.txt); the console and the rest of the API may not.
 */
export function robotsTxt(origin: string): string {
  return [
    'User-agent: *',
    'Allow: /',
    'Allow: /api/feed',
    'Allow: /api/og/',
    'Disallow: /admin',
    'Disallow: /api/',
    '',
    `Sitemap: ${absoluteUrl(origin, '/sitemap.xml')}`,
    '',
  ].join('\n');
}
