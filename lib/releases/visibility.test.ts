import { eq, sql } from 'drizzle-orm';
import { rows } from '../db';
import { projects, releases } from '../db/schema';
import { useTestDatabase } from '../test/db';
import { findProject } from '../projects/repo';
import { isPublicRelease, publicRelease, publicReleaseSql, releasesR } from './visibility';

const t = useTestDatabase();

/**
 * Every combination of the columns the rule reads, including ones no write path produces (a draft
 * with a publication time, a published release without one): stored as rows, then asked of the
 * database through the SQL condition and of the rows in memory through the predicate.
 */
const CASES = [false, true].flatMap((draft) => [false, true].flatMap((hidden) => [null, new Date('2026-03-01T10:00:00Z')].map((publishedAt) => ({ draft, hidden, publishedAt }))));

const tagOf = (c: (typeof CASES)[number]) => `d${+c.draft}-h${+c.hidden}-p${c.publishedAt ? 1 : 0}`;

let projectId: number;

beforeAll(async () => {
  const [p] = await t.db().insert(projects).values({ owner: 'acme', repo: 'visible', name: 'Visible' }).returning();
  projectId = p!.id;
  await t
    .db()
    .insert(releases)
    .values(CASES.map((c) => ({ projectId, tag: tagOf(c), ...c })));
});

const stored = () => t.db().select().from(releases).where(eq(releases.projectId, projectId));

describe('the public-visibility rule', () => {
  it('has a case for every combination of draft, hidden and publication time', async () => {
    expect((await stored()).length).toBe(8);
  });

  it('the SQL condition on releases selects exactly the rows the predicate calls public', async () => {
    const all = await stored();
    const bySql = await t
      .db()
      .select({ tag: releases.tag, visible: sql<boolean>`${publicRelease}` })
      .from(releases)
      .where(eq(releases.projectId, projectId));
    const expected = Object.fromEntries(all.map((row) => [row.tag, isPublicRelease(row)]));
    expect(Object.fromEntries(bySql.map((row) => [row.tag, row.visible]))).toEqual(expected);
    // Exactly one combination is public: published, not a draft, not hidden.
    expect(
      Object.entries(expected)
        .filter(([, v]) => v)
        .map(([tag]) => tag),
    ).toEqual(['d0-h0-p1']);
  });

  it('the same condition on the alias `r` (hand-written SQL) agrees too', async () => {
    const all = await stored();
    const found = await rows<{ tag: string }>(t.db(), sql`select r.tag from ${releases} r where r.project_id = ${projectId} and ${publicReleaseSql(releasesR)} order by r.tag`);
    expect(found.map((row) => row.tag)).toEqual(
      all
        .filter(isPublicRelease)
        .map((row) => row.tag)
        .sort(),
    );
  });

  it("a project's public count and latest release follow it", async () => {
    const project = await findProject(t.db(), 'acme', 'visible');
    const publicRows = (await stored()).filter(isPublicRelease);
    expect(project?.releaseCount).toBe(publicRows.length);
    expect(project?.latest?.tag).toBe(publicRows[0]?.tag);
    expect((await findProject(t.db(), 'acme', 'visible', { seeAll: true }))?.releaseCount).toBe(8);
  });
});
