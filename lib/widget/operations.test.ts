import { write } from '../db/write';
import { mount } from '../http/mount';
import { createProject, type ProjectRecord } from '../projects/repo';
import { createRelease, deleteRelease, findRelease } from '../releases/repo';
import type { ReleaseWrite } from '../releases/schema';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { getWidgetReleases } from './operations';
import type { WidgetReleases } from './releases';

useTestDatabase();
jest.setTimeout(60_000);
const app = mount(getWidgetReleases);

const release = (tag: string, o: Partial<ReleaseWrite> = {}): ReleaseWrite => ({
  tag,
  name: null,
  body: `Notes of ${tag}`,
  url: null,
  publishedAt: null,
  prerelease: false,
  draft: false,
  hidden: false,
  author: null,
  ...o,
});

const get = (owner: string, repo: string, query: Record<string, string> = {}, headers: Record<string, string> = {}) => {
  const qs = new URLSearchParams(query).toString();
  return invoke(app, { url: `/api/widget/${owner}/${repo}${qs ? `?${qs}` : ''}`, query: { owner, repo, ...query }, headers: { host: 'shiplog.example', ...headers } });
};

let project: ProjectRecord;
beforeAll(async () => {
  project = await write((tx) => createProject(tx, { owner: 'widgeted', repo: 'app', name: 'Widgeted App', description: null, homepage: null }));
  const day = (d: number) => new Date(Date.UTC(2026, 0, d));
  await write((tx) => createRelease(tx, project, release('v1.0.0', { publishedAt: day(1), body: 'First.\n\n![shot](img/shot.png)' }), 'manual'));
  await write((tx) => createRelease(tx, project, release('v1.1.0-rc.1', { publishedAt: day(2), prerelease: true }), 'manual'));
  await write((tx) =>
    createRelease(
      tx,
      project,
      release('v1.1.0', { name: 'Eleven', publishedAt: day(3), body: 'Intro.\n\n## Highlights\n\n- [Docs](docs/x.md) got better\n\n## Fixes\n\n- #3' }),
      'manual',
    ),
  );
  await write((tx) => createRelease(tx, project, release('v2.0.0-draft', { draft: true }), 'manual'));
  await write((tx) => createRelease(tx, project, release('v0.9.0', { publishedAt: day(0), hidden: true }), 'manual'));
});

describe('GET /api/widget/{owner}/{repo}', () => {
  it('lists the public releases newest first with summaries, every URL absolute to this site', async () => {
    const r = await get('widgeted', 'app');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers.etag).toBeDefined();
    const body = r.json<WidgetReleases>();
    expect(body.project).toBe('widgeted/app');
    expect(body.url).toBe('http://shiplog.example/widgeted/app');
    expect(body.releases.map((x) => x.tag)).toEqual(['v1.1.0', 'v1.1.0-rc.1', 'v1.0.0']);
    const [eleven, rc, first] = body.releases;
    expect(eleven).toEqual({
      tag: 'v1.1.0',
      name: 'Eleven',
      publishedAt: '2026-01-03T00:00:00.000Z',
      prerelease: false,
      url: 'http://shiplog.example/widgeted/app/releases/v1.1.0',
      summary: '<ul>\n<li><a href="http://shiplog.example/widgeted/app/releases/docs/x.md" target="_blank" rel="noopener">Docs</a> got better</li>\n</ul>',
      truncated: true,
    });
    expect(rc).toMatchObject({ prerelease: true, summary: '<p>Notes of v1.1.0-rc.1</p>', truncated: false });
    expect(first).toMatchObject({ summary: '<p>First.</p>', truncated: true });
  });

  it('takes a limit (1 to 20) and answers 304 to its ETag', async () => {
    const one = await get('widgeted', 'app', { limit: '1' });
    expect(one.json<WidgetReleases>().releases.map((x) => x.tag)).toEqual(['v1.1.0']);
    expect((await get('widgeted', 'app', { limit: '1' }, { 'if-none-match': String(one.headers.etag) })).status).toBe(304);
    for (const limit of ['0', '21', 'x']) {
      const bad = await get('widgeted', 'app', { limit });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('limit');
    }
  });

  it('follows changes at once (the cached answer is retired by the write)', async () => {
    const before = await get('widgeted', 'app');
    await write(async (tx) => deleteRelease(tx, project, (await findRelease(tx, project.id, 'v1.1.0', { seeAll: true }))!));
    const after = await get('widgeted', 'app', {}, { 'if-none-match': String(before.headers.etag) });
    expect(after.status).toBe(200);
    expect(after.json<WidgetReleases>().releases.map((x) => x.tag)).toEqual(['v1.1.0-rc.1', 'v1.0.0']);
  });

  it('answers 404 problem+json for a project that does not exist', async () => {
    const r = await get('nobody', 'nothing');
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
