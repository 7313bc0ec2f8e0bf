import { count, eq, sql } from 'drizzle-orm';
import { loadHome } from '../site/home';
import { useTestDatabase } from '../test/db';
import { rows } from './index';
import { events, projects, releases } from './schema';
import { seedDemo } from './seed';

const t = useTestDatabase();

describe('demo seed and the home page data', () => {
  it('loads 4 projects with 30+ releases each, rendered notes and an outbox event per write', async () => {
    const result = await seedDemo(t.db(), { ifEmpty: true });
    expect(result).toEqual({ skipped: false, projects: 4, releases: 137 });
    const perProject = await rows<{ full_name: string; n: number }>(
      t.db(),
      sql`select p.owner || '/' || p.repo as full_name, count(r.id)::int as n from projects p join releases r on r.project_id = p.id group by 1 order by 1`,
    );
    expect(perProject.map((p) => p.full_name)).toEqual(['acme/rocket', 'acme/ui', 'northwind/ledger', 'octo-org/hello-api']);
    for (const p of perProject) expect(p.n).toBeGreaterThanOrEqual(30);
    const [outbox] = await t.db().select({ n: count() }).from(events);
    expect(outbox?.n).toBe(4 + 137);
    const [slashy] = await t.db().select().from(releases).where(eq(releases.tag, '@acme/ui@2.0.0'));
    expect(slashy?.bodyHtml).toMatch(/<h[23] id="user-content-/);
    expect(await t.db().select().from(releases).where(eq(releases.tag, 'release/2026-01'))).toHaveLength(1);
  });

  it('does nothing on a database that has projects when asked ifEmpty', async () => {
    expect(await seedDemo(t.db(), { ifEmpty: true })).toEqual({ skipped: true, projects: 0, releases: 0 });
    const [n] = await t.db().select({ n: count() }).from(projects);
    expect(n?.n).toBe(4);
  });

  it('shows every project with its latest public, non-prerelease release', async () => {
    const home = await loadHome();
    expect(home.placeholder).toBe(false);
    expect(home.projects.map((p) => p.fullName)).toEqual(['acme/rocket', 'acme/ui', 'northwind/ledger', 'octo-org/hello-api']);
    const rocket = home.projects.find((p) => p.fullName === 'acme/rocket');
    const [expected] = await rows<{ tag: string }>(
      t.db(),
      sql`select r.tag from releases r join projects p on p.id = r.project_id
          where p.repo = 'rocket' and not r.draft and not r.hidden and not r.prerelease
          order by r.published_at desc limit 1`,
    );
    expect(rocket?.latest?.tag).toBe(expected?.tag);
    expect(rocket?.releaseCount).toBe(41); // 42 minus the draft
    expect(home.recent).toHaveLength(12);
    const times = home.recent.map((r) => Date.parse(r.publishedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('never shows drafts or hidden releases', async () => {
    const [newest] = await rows<{ id: number; tag: string }>(t.db(), sql`select r.id, r.tag from releases r where not r.draft order by r.published_at desc limit 1`);
    await t.db().update(releases).set({ hidden: true }).where(eq(releases.id, newest!.id));
    const home = await loadHome();
    expect(home.recent.map((r) => r.tag)).not.toContain(newest!.tag);
    const drafts = await t.db().select({ tag: releases.tag }).from(releases).where(eq(releases.draft, true));
    for (const d of drafts) expect(home.recent.map((r) => r.tag)).not.toContain(d.tag);
  });
});
