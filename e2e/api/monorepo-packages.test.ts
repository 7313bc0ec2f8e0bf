// A monorepo fed by real-shaped GitHub `release` webhooks (signed like GitHub signs them) for three
// packages, over real HTTP against `next start`: each package's own history and levels, the
// packages list, and feeds filtered by package and level.
import examples from '@octokit/webhooks-examples';
import { randomUUID } from 'node:crypto';
import { sign } from '../../lib/github/signature';
import { repositoryIdFor } from '../harness/releases';
import { TEST_WEBHOOK_SECRET } from '../harness/server';

const base = () => process.env.SHIPLOG_TEST_URL!;
const admin = () => ({ authorization: `Bearer ${process.env.SHIPLOG_TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' });
const owner = 'monorepo';
const repo = `acme-${Date.now().toString(36)}`;

const published = (examples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === 'release')!.examples.find((e) => e.action === 'published')!;

let nextId = 710_000_000 + Math.floor(Math.random() * 1_000_000);
function payload(tag: string, at: string, extra: Record<string, unknown> = {}) {
  const release = {
    ...(published.release as object),
    id: nextId++,
    tag_name: tag,
    name: tag,
    body: `Notes for **${tag}**`,
    draft: false,
    prerelease: /-(rc|alpha|beta)\./.test(tag),
    published_at: at,
    created_at: at,
    ...extra,
  };
  const repository = {
    ...(published.repository as object),
    id: repositoryIdFor(owner, repo),
    name: repo,
    full_name: `${owner}/${repo}`,
    owner: { ...(published.repository as { owner: object }).owner, login: owner },
  };
  return { ...published, action: 'published', release, repository };
}

async function deliver(body: unknown): Promise<void> {
  const raw = JSON.stringify(body);
  const res = await fetch(`${base()}/api/webhooks/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'release', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(TEST_WEBHOOK_SECRET, raw) },
    body: raw,
  });
  expect(res.status).toBeLessThan(300);
}

// Published out of version order, across three packages and three tag styles.
const TAGS: [string, Record<string, unknown>?][] = [
  ['@acme/ui@1.9.0'],
  ['@acme/icons@1.6.0'],
  ['chart-x-1.2.0'],
  ['@acme/ui@1.10.0'],
  ['@acme/ui@2.0.0-rc.1'],
  ['@acme/icons@1.7.0'],
  ['@acme/ui@2.0.0', { name: 'feat!: the new theme', body: '## Breaking changes\n\n- `kind` is now `variant`' }],
  ['chart-x-1.2.1'],
  ['@acme/ui@1.10.1'], // a backport, published after 2.0.0
  ['@acme/ui@2.1.0'],
];

beforeAll(async () => {
  const res = await fetch(`${base()}/api/v2/projects`, { method: 'POST', headers: admin(), body: JSON.stringify({ owner, repo }) });
  expect(res.status).toBe(201);
  let day = 1;
  for (const [tag, extra] of TAGS) await deliver(payload(tag, new Date(Date.UTC(2026, 2, day++)).toISOString(), extra));
}, 120_000);

describe('a monorepo fed by GitHub webhooks', () => {
  it('lists its three packages with their latest versions (semver order) and release counts', async () => {
    const res = await fetch(`${base()}/api/v2/projects/${owner}/${repo}/packages`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as { package: string | null; latestVersion: string; latestTag: string; releaseCount: number }[];
    expect(list.map((p) => [p.package, p.latestVersion, p.releaseCount])).toEqual([
      ['@acme/icons', '1.7.0', 2],
      ['@acme/ui', '2.1.0', 6],
      ['chart-x', '1.2.1', 2],
    ]);
  });

  it('levels each release against the previous stable release of its own package', async () => {
    const feed = async (query: string) => {
      const res = await fetch(`${base()}/api/feed/${owner}/${repo}?format=json&${query}`);
      expect(res.status).toBe(200);
      return (await res.json()) as { title: string; items: { title: string }[] };
    };
    const major = await feed('level=major');
    expect(major.title).toMatch(/ · major$/);
    expect(major.items.map((i) => i.title.split(':')[0])).toEqual(['@acme/ui@2.0.0', 'chart-x-1.2.0', '@acme/icons@1.6.0', '@acme/ui@1.9.0']);
    const ui = await feed(`package=${encodeURIComponent('@acme/ui')}&level=minor,patch`);
    expect(ui.title).toMatch(/ · @acme\/ui · minor or patch$/);
    expect(ui.items.map((i) => i.title.split(':')[0])).toEqual(['@acme/ui@2.1.0', '@acme/ui@1.10.1', '@acme/ui@1.10.0']);
    const breaking = await feed('breaking=true');
    expect(breaking.items.map((i) => i.title.split(':')[0])).toEqual(['@acme/ui@2.0.0']);
    // the friendly feed URL takes the same filters
    const atom = await fetch(`${base()}/${owner}/${repo}/feed.atom?package=chart-x`);
    expect(atom.status).toBe(200);
    const xml = await atom.text();
    expect(xml).toContain('chart-x-1.2.1');
    expect(xml).not.toContain('@acme/ui@');
  });
});
