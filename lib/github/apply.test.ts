import { eq } from 'drizzle-orm';
import { releases, releaseTombstones } from '../db/schema';
import { write } from '../db/write';
import { createProject } from '../projects/repo';
import { createRelease, findRelease, type ProjectRef } from '../releases/repo';
import { useTestDatabase } from '../test/db';
import { deleteGitHubRelease, upsertGitHubRelease } from './apply';
import type { GitHubRelease } from './payload';

const t = useTestDatabase();
let project: ProjectRef;

const gh = (over: Partial<GitHubRelease> = {}): GitHubRelease => ({
  id: 101,
  tag_name: 'v1.0.0',
  name: 'One',
  body: '# Notes',
  draft: false,
  prerelease: false,
  html_url: 'https://github.com/acme/app/releases/tag/v1.0.0',
  published_at: '2026-01-02T03:04:05Z',
  author: { login: 'octocat', avatar_url: null, html_url: null },
  ...over,
});

beforeAll(async () => {
  project = await write((tx) => createProject(tx, { owner: 'acme', repo: 'app', name: 'App', description: null, homepage: null }));
});

const byGithubId = async (id: number) => t.db().select().from(releases).where(eq(releases.githubId, id));

describe('upsertGitHubRelease', () => {
  it('creates, then reports unchanged for the same payload', async () => {
    expect(await write((tx) => upsertGitHubRelease(tx, project, gh()))).toBe('created');
    expect(await write((tx) => upsertGitHubRelease(tx, project, gh()))).toBe('unchanged');
    const [row] = await byGithubId(101);
    expect(row).toMatchObject({ tag: 'v1.0.0', name: 'One', source: 'github', draft: false });
    expect(row?.bodyHtml).toContain('<h2 id="user-content-notes">Notes<a class="anchor"');
  });

  it('moves a renamed tag instead of duplicating it', async () => {
    expect(await write((tx) => upsertGitHubRelease(tx, project, gh({ tag_name: 'v1.0.1', name: 'One (fixed tag)' })))).toBe('updated');
    const rows = await byGithubId(101);
    expect(rows.map((r) => r.tag)).toEqual(['v1.0.1']);
    expect(await findRelease(t.db(), project.id, 'v1.0.0', { seeAll: true })).toBeUndefined();
  });

  it("keeps Shiplog's own hidden flag across GitHub edits", async () => {
    await t.db().update(releases).set({ hidden: true }).where(eq(releases.githubId, 101));
    await write((tx) => upsertGitHubRelease(tx, project, gh({ tag_name: 'v1.0.1', name: 'Edited' })));
    expect((await byGithubId(101))[0]).toMatchObject({ name: 'Edited', hidden: true });
  });

  it('keeps a draft off the site, and `unpublished` turns a release back into a draft', async () => {
    await write((tx) => upsertGitHubRelease(tx, project, gh({ id: 202, tag_name: 'v2.0.0', draft: true, published_at: null })));
    expect((await byGithubId(202))[0]).toMatchObject({ draft: true, publishedAt: null });
    expect(await findRelease(t.db(), project.id, 'v2.0.0', { seeAll: false })).toBeUndefined();
    await write((tx) => upsertGitHubRelease(tx, project, gh({ id: 202, tag_name: 'v2.0.0' })));
    expect(await findRelease(t.db(), project.id, 'v2.0.0', { seeAll: false })).toBeDefined();
    await write((tx) => upsertGitHubRelease(tx, project, gh({ id: 202, tag_name: 'v2.0.0' }), { forceDraft: true }));
    expect(await findRelease(t.db(), project.id, 'v2.0.0', { seeAll: false })).toBeUndefined();
  });

  it('adopts a hand-made release with the same tag instead of failing or duplicating', async () => {
    await write((tx) =>
      createRelease(
        tx,
        project,
        { tag: 'v3.0.0', name: 'typed in', body: '', url: null, publishedAt: null, prerelease: false, draft: false, hidden: false, author: null },
        'manual',
      ),
    );
    expect(await write((tx) => upsertGitHubRelease(tx, project, gh({ id: 303, tag_name: 'v3.0.0', name: 'from GitHub' })))).toBe('updated');
    const rows = await t.db().select().from(releases).where(eq(releases.tag, 'v3.0.0'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ githubId: 303, source: 'github', name: 'from GitHub' });
  });
});

describe('deleteGitHubRelease and tombstones', () => {
  it('deletes and leaves a tombstone that a late published/edited cannot get past', async () => {
    await write((tx) => upsertGitHubRelease(tx, project, gh({ id: 404, tag_name: 'v4.0.0' })));
    expect(await write((tx) => deleteGitHubRelease(tx, project, { id: 404, tag_name: 'v4.0.0' }))).toBe('deleted');
    expect(await write((tx) => upsertGitHubRelease(tx, project, gh({ id: 404, tag_name: 'v4.0.0' })))).toBe('tombstoned');
    expect(await write((tx) => upsertGitHubRelease(tx, project, gh({ id: 404, tag_name: 'v4.0.0', name: 'edited late' })))).toBe('tombstoned');
    expect(await byGithubId(404)).toHaveLength(0);
  });

  it('records a tombstone even when the delete arrives before the release', async () => {
    expect(await write((tx) => deleteGitHubRelease(tx, project, { id: 505, tag_name: 'v5.0.0' }))).toBe('already-deleted');
    expect(await t.db().select().from(releaseTombstones).where(eq(releaseTombstones.githubId, 505))).toHaveLength(1);
    expect(await write((tx) => upsertGitHubRelease(tx, project, gh({ id: 505, tag_name: 'v5.0.0' })))).toBe('tombstoned');
  });
});

describe('release identity is per project (its repository)', () => {
  it("another project's delivery naming the same GitHub release id neither tombstones nor takes this project's release", async () => {
    const other = await write((tx) => createProject(tx, { owner: 'evil', repo: 'other', name: 'Other', description: null, homepage: null }));
    await write((tx) => upsertGitHubRelease(tx, project, gh({ id: 606, tag_name: 'v6.0.0' })));
    expect(await write((tx) => deleteGitHubRelease(tx, other, { id: 606, tag_name: 'v6.0.0' }))).toBe('already-deleted');
    expect(await findRelease(t.db(), project.id, 'v6.0.0', { seeAll: false })).toBeDefined();
    expect(await write((tx) => upsertGitHubRelease(tx, project, gh({ id: 606, tag_name: 'v6.0.0', name: 'edited after' })))).toBe('updated');
    expect(await write((tx) => upsertGitHubRelease(tx, other, gh({ id: 606, tag_name: 'v6.0.0' })))).toBe('tombstoned');
  });
});
