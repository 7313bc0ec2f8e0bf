import { and, eq, sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { events, projects, releases } from '../db/schema';
import { write } from '../db/write';
import { createProject } from '../projects/repo';
import { useTestDatabase } from '../test/db';
import { ensureDerived, refreshUnderived } from './derive';
import type { ReleaseWrite } from './schema';
import * as service from './service';

const t = useTestDatabase();

const principal: Principal = { kind: 'token', tokenId: 1, name: 'tester', scopes: ['read', 'write'] };
const person = { actor: { kind: 'person' as const, principal } };
const mono = { owner: 'acme', repo: 'mono' };

const release = (tag: string, over: Partial<ReleaseWrite> = {}): ReleaseWrite => ({
  tag,
  name: null,
  body: '',
  url: null,
  publishedAt: new Date('2026-04-01T00:00:00Z'),
  prerelease: false,
  draft: false,
  hidden: false,
  author: null,
  ...over,
});

async function projectId(repo: string): Promise<number> {
  const [p] = await t.db().select({ id: projects.id }).from(projects).where(eq(projects.repo, repo));
  return p!.id;
}

/** tag → [package, version, level, breaking] of the project's releases. */
async function state(repo: string): Promise<Record<string, [string | null, string | null, string | null, boolean]>> {
  const id = await projectId(repo);
  const rows = await t.db().select().from(releases).where(eq(releases.projectId, id));
  return Object.fromEntries(rows.map((r) => [r.tag, [r.package, r.packageVersion, r.level, r.breaking]]));
}

const create = (tag: string, over: Partial<ReleaseWrite> = {}, project = mono) => write((tx) => service.createRelease(tx, project, release(tag, over), person));

beforeAll(async () => {
  await write((tx) => createProject(tx, { ...mono, name: 'Mono', description: null, homepage: null }));
  await write((tx) => createProject(tx, { owner: 'acme', repo: 'old', name: 'Old', description: null, homepage: null }));
});

describe('package, version, level and breaking of every release', () => {
  it('are stored with each write, levelled within the package in semver order whatever order they come in', async () => {
    const ui2 = await create('@acme/ui@2.0.0', { name: 'feat!: the new theme' });
    expect([ui2.package, ui2.packageVersion, ui2.level, ui2.breaking]).toEqual(['@acme/ui', '2.0.0', 'major', true]);
    await create('@acme/ui@1.9.0');
    await create('@acme/icons@1.7.0', { body: '## Features\n\n- more icons' });
    await create('@acme/ui@1.10.0');
    await create('@acme/ui@2.0.0-rc.1');
    await create('chart-x-1.2.0');
    expect(await state('mono')).toEqual({
      '@acme/ui@2.0.0': ['@acme/ui', '2.0.0', 'major', true],
      '@acme/ui@1.9.0': ['@acme/ui', '1.9.0', 'major', false],
      '@acme/ui@1.10.0': ['@acme/ui', '1.10.0', 'minor', false],
      '@acme/ui@2.0.0-rc.1': ['@acme/ui', '2.0.0-rc.1', 'prerelease', false],
      '@acme/icons@1.7.0': ['@acme/icons', '1.7.0', 'major', false],
      'chart-x-1.2.0': ['chart-x', '1.2.0', 'major', false],
    });
  });

  it("recomputes the neighbours' levels when one is inserted out of order, re-tagged or deleted, quietly (no new version, no event: no representation shows levels yet)", async () => {
    const before = (await t.db().select().from(releases).where(eq(releases.tag, '@acme/ui@2.0.0')))[0]!;
    // 1.9.0 then 2.0.0: inserting 1.12.0 keeps 2.0.0 major; 1.10.0 → 1.12.0 is minor
    await create('@acme/ui@1.12.0');
    expect((await state('mono'))['@acme/ui@1.12.0']![2]).toBe('minor');
    // deleting 1.10.0 and 1.12.0 keeps 2.0.0 major; deleting 1.9.0 makes 1.10.0 the first (major)
    await write((tx) => service.deleteRelease(tx, { ...mono, tag: '@acme/ui@1.9.0' }, person));
    expect((await state('mono'))['@acme/ui@1.10.0']![2]).toBe('major');
    // 2.0.0 re-tagged as 1.13.0: now a minor after 1.12.0, and 2.0.0-rc.1 stays a prerelease
    await write((tx) => service.replaceRelease(tx, { ...mono, tag: '@acme/ui@2.0.0' }, release('@acme/ui@1.13.0'), person));
    const s = await state('mono');
    expect(s['@acme/ui@1.13.0']).toEqual(['@acme/ui', '1.13.0', 'minor', false]);
    // a release moved from one package to another re-levels both
    await write((tx) => service.replaceRelease(tx, { ...mono, tag: '@acme/ui@1.10.0' }, release('@acme/icons@1.8.0'), person));
    const moved = await state('mono');
    expect(moved['@acme/icons@1.8.0']![2]).toBe('minor');
    expect(moved['@acme/ui@1.12.0']![2]).toBe('major');
    const updated = await t
      .db()
      .select({ payload: events.payload })
      .from(events)
      .where(and(eq(events.type, 'release.updated'), sql`${events.payload}->>'reason' = 'level'`));
    expect(updated).toEqual([]);
    // 1.12.0 was written once (created) although its level changed since: still version 1.
    expect((await t.db().select().from(releases).where(eq(releases.tag, '@acme/ui@1.12.0')))[0]!.version).toBe(1);
    expect(before.version).toBeGreaterThan(0);
  });

  it("derives rows stored before these columns existed: on the project's next write, on a read that needs them, or by the refresh", async () => {
    const old = { owner: 'acme', repo: 'old' };
    const id = await projectId('old');
    for (const tag of ['v1.0.0', 'v1.1.0', 'v2.0.0', 'v1.10.0']) await create(tag, {}, old);
    // As an older release (or the data from before the migration) left them.
    const reset = () =>
      t.db().update(releases).set({ package: null, packageVersion: null, versionKey: null, level: null, breaking: false, derived: 0 }).where(eq(releases.projectId, id));
    await reset();
    const versionsBefore = await t.db().select({ tag: releases.tag, version: releases.version }).from(releases).where(eq(releases.projectId, id));
    const eventCount = async () =>
      (
        await t
          .db()
          .select({ n: sql<number>`count(*)::int` })
          .from(events)
      )[0]!.n;
    const eventsBefore = await eventCount();
    await ensureDerived(id);
    // The back-fill changes nothing anyone was shown: no new version (ETag), no event per row.
    expect(await t.db().select({ tag: releases.tag, version: releases.version }).from(releases).where(eq(releases.projectId, id))).toEqual(expect.arrayContaining(versionsBefore));
    expect(await eventCount()).toBe(eventsBefore);
    const levels = {
      'v1.0.0': [null, '1.0.0', 'major', false],
      'v1.1.0': [null, '1.1.0', 'minor', false],
      'v1.10.0': [null, '1.10.0', 'minor', false],
      'v2.0.0': [null, '2.0.0', 'major', false],
    };
    expect(await state('old')).toEqual(levels);
    await reset();
    expect((await refreshUnderived()).more).toBe(false);
    expect(await state('old')).toEqual(levels);
    await reset();
    await create('v1.10.1', {}, old);
    expect(await state('old')).toEqual({ ...levels, 'v1.10.1': [null, '1.10.1', 'patch', false] });
  });
});

describe('the demo data', () => {
  it('is derived by the refresh after seeding (lib/db cannot derive it itself)', async () => {
    const { seedDemo } = await import('../db/seed');
    await seedDemo(t.db());
    while ((await refreshUnderived()).more);
    const [ui] = await t.db().select().from(releases).where(eq(releases.tag, '@acme/ui@2.0.0'));
    expect(ui).toMatchObject({ package: '@acme/ui', packageVersion: '2.0.0', level: 'major', derived: 1 });
    const [calver] = await t.db().select().from(releases).where(eq(releases.tag, 'release/2026-01'));
    expect(calver).toMatchObject({ package: null, packageVersion: null, level: 'other' });
    expect(await t.db().select().from(releases).where(eq(releases.derived, 0))).toEqual([]);
  }, 120_000);
});
