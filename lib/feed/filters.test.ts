import { write } from '../db/write';
import { methodRouter } from '../http/method-router';
import { createProject } from '../projects/repo';
import * as service from '../releases/service';
import type { ReleaseWrite } from '../releases/schema';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { getFeed } from './handler';

process.env.SHIPLOG_RATE_LIMIT_READ = '0';
useTestDatabase();
jest.setTimeout(120_000);
const app = methodRouter({ GET: getFeed });

const release = (tag: string, day: number, o: Partial<ReleaseWrite> = {}): ReleaseWrite => ({
  tag,
  name: null,
  body: `Notes of ${tag}`,
  url: null,
  publishedAt: new Date(Date.UTC(2026, 0, day)),
  prerelease: false,
  draft: false,
  hidden: false,
  author: null,
  ...o,
});

function feed(query: Record<string, string | string[]>, scope = ['mono', 'repo']) {
  const qs = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => [v].flat().map((x) => [k, x] as [string, string]))).toString();
  return invoke(app, { url: `/api/feed/${scope.join('/')}?format=json&${qs}`, query: { scope, format: 'json', ...query }, headers: { host: 'shiplog.example' } });
}

const titles = async (query: Record<string, string | string[]>) => {
  const res = await feed(query);
  expect(res.status).toBe(200);
  const body = JSON.parse(res.text) as { title: string; items: { title: string }[] };
  return { title: body.title, items: body.items.map((i) => i.title.split(':')[0]) };
};

beforeAll(async () => {
  await write((tx) => createProject(tx, { owner: 'mono', repo: 'repo', name: 'Mono', description: null, homepage: null }));
  const person = { actor: { kind: 'person' as const, principal: { kind: 'token' as const, tokenId: 1, name: 't', scopes: ['write' as const] } } };
  let day = 1;
  for (const [tag, o] of [
    ['@acme/ui@1.0.0', {}],
    ['@acme/icons@1.0.0', {}],
    ['@acme/ui@1.1.0', {}],
    ['@acme/ui@2.0.0-rc.1', { prerelease: true }],
    ['@acme/ui@2.0.0', { name: 'feat!: the new theme' }],
    ['@acme/icons@1.7.0', {}],
    ['@acme/icons@2.0.0', {}],
  ] as const) {
    await write((tx) => service.createRelease(tx, { owner: 'mono', repo: 'repo' }, release(tag, day++, o), person));
  }
});

describe('feeds filtered by package, level and breaking', () => {
  it('level=major carries only major releases, and the title says so', async () => {
    expect(await titles({ level: 'major' })).toEqual({ title: 'Mono releases · major', items: ['@acme/icons@2.0.0', '@acme/ui@2.0.0', '@acme/icons@1.0.0', '@acme/ui@1.0.0'] });
  });

  it("package= is one package's feed; levels combine (comma separated or repeated)", async () => {
    expect(await titles({ package: '@acme/icons', level: 'major,minor' })).toEqual({
      title: 'Mono releases · @acme/icons · major or minor',
      items: ['@acme/icons@2.0.0', '@acme/icons@1.7.0', '@acme/icons@1.0.0'],
    });
    expect((await titles({ package: '@acme/ui', level: ['minor', 'prerelease'] })).items).toEqual(['@acme/ui@2.0.0-rc.1', '@acme/ui@1.1.0']);
  });

  it('breaking=true carries breaking releases only', async () => {
    expect(await titles({ breaking: 'true' })).toEqual({ title: 'Mono releases · breaking', items: ['@acme/ui@2.0.0'] });
  });

  it('refuses an unknown level with a 400 naming the parameter', async () => {
    const res = await feed({ level: 'huge' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('level');
  });
});
