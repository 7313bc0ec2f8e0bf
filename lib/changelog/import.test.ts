import { eq } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import type { Principal } from '../auth/principal';
import { projects, releases } from '../db/schema';
import { write } from '../db/write';
import { InvalidError } from '../domain/errors';
import { createProject } from '../projects/repo';
import { createRelease } from '../releases/service';
import { useTestDatabase } from '../test/db';
import { importChangelog } from './import';

const t = useTestDatabase();
const principal: Principal = { kind: 'token', tokenId: 1, name: 'tester', scopes: ['read', 'write'] };
const kac = fs.readFileSync(path.join(__dirname, 'fixtures', 'keep-a-changelog-30.md'), 'utf8');

async function tagsOf(repo: string) {
  const [p] = await t.db().select().from(projects).where(eq(projects.repo, repo));
  return t.db().select().from(releases).where(eq(releases.projectId, p!.id));
}

beforeAll(async () => {
  for (const repo of ['kac', 'mono', 'mixed']) await write((tx) => createProject(tx, { owner: 'acme', repo, name: repo, description: null, homepage: null }));
}, 60_000);

describe('importChangelog', () => {
  it('a dry run creates nothing; the import creates 30 releases; the same file again creates none', async () => {
    const dry = await importChangelog({ owner: 'acme', repo: 'kac' }, kac, { dryRun: true, principal });
    expect([dry.dryRun, dry.created, dry.existing]).toEqual([true, 30, 0]);
    expect(await tagsOf('kac')).toHaveLength(0);
    const first = await importChangelog({ owner: 'acme', repo: 'kac' }, kac, { dryRun: false, principal });
    expect([first.created, first.existing]).toEqual([30, 0]);
    const rows = await tagsOf('kac');
    expect(rows).toHaveLength(30);
    const v2 = rows.find((r) => r.tag === 'v2.0.0')!;
    expect(v2).toMatchObject({ packageVersion: '2.0.0', level: 'major', breaking: true, prerelease: false, htmlUrl: 'https://github.com/acme/kac/compare/v1.4.1...v2.0.0' });
    expect(v2.publishedAt?.toISOString()).toMatch(/^2022-\d\d-\d\dT00:00:00\.000Z$/);
    expect(v2.body).toContain('### Added');
    expect(rows.find((r) => r.tag === 'v3.0.0-rc.1')).toMatchObject({ prerelease: true, level: 'prerelease' });
    const again = await importChangelog({ owner: 'acme', repo: 'kac' }, kac, { dryRun: false, principal });
    expect([again.created, again.existing]).toEqual([0, 30]);
    expect(await tagsOf('kac')).toHaveLength(30);
  }, 120_000);

  it("recognises a version the project has under another tag (GitHub's 1.2.0 for the file's 1.2.0)", async () => {
    await write((tx) =>
      createRelease(
        tx,
        { owner: 'acme', repo: 'mixed' },
        { tag: '1.1.0', name: null, body: '', url: null, publishedAt: null, prerelease: false, draft: false, hidden: false, author: null },
        { actor: { kind: 'github', releaseId: 5 } },
      ),
    );
    const result = await importChangelog({ owner: 'acme', repo: 'mixed' }, '## [1.2.0] - 2024-02-01\n\n- b\n\n## [1.1.0] - 2024-01-01\n\n- a', { dryRun: false, principal });
    expect(result.releases.map((r) => [r.tag, r.action, r.existingTag])).toEqual([
      ['v1.1.0', 'exists', '1.1.0'],
      ['v1.2.0', 'create', null],
    ]);
  });

  it("names a monorepo's package in the tags: the changesets title's, or the one the caller gives", async () => {
    const changesets = '# @acme/ui\n\n## 2.0.0\n\n### Major Changes\n\n- abc: a\n\n## 1.0.0\n\n### Major Changes\n\n- def: b';
    const ui = await importChangelog({ owner: 'acme', repo: 'mono' }, changesets, { dryRun: false, principal });
    expect(ui.releases.map((r) => r.tag)).toEqual(['@acme/ui@1.0.0', '@acme/ui@2.0.0']);
    const icons = await importChangelog({ owner: 'acme', repo: 'mono' }, '## 1.0.0\n\n- x', { package: 'icons', tagFormat: '{package}-v{version}', dryRun: false, principal });
    expect(icons.releases.map((r) => r.tag)).toEqual(['icons-v1.0.0']);
    expect((await tagsOf('mono')).map((r) => [r.tag, r.package, r.level]).sort()).toEqual([
      ['@acme/ui@1.0.0', '@acme/ui', 'major'],
      ['@acme/ui@2.0.0', '@acme/ui', 'major'],
      ['icons-v1.0.0', 'icons', 'major'],
    ]);
  });

  it('refuses a file with no release headings and a tag format without {version}, naming the field', async () => {
    const none = await importChangelog({ owner: 'acme', repo: 'mono' }, '# Changelog\n\nNothing yet.', { dryRun: true, principal }).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(InvalidError);
    expect((none as InvalidError).issues?.[0]?.path).toBe('/changelog');
    const format = await importChangelog({ owner: 'acme', repo: 'mono' }, '## 1.0.0', { tagFormat: 'release', dryRun: true, principal }).catch((e: unknown) => e);
    expect((format as InvalidError).issues?.[0]).toEqual({ path: '/tagFormat', reason: 'must contain {version}' });
  });
});
