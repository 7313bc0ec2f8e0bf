// A CHANGELOG.md imported over real HTTP against `next start`: a dry run creates nothing, a Keep a
// Changelog file with 30 versions imports as 30 releases, and the same file again creates none.
import fs from 'node:fs';
import path from 'node:path';

const base = () => process.env.SHIPLOG_TEST_URL!;
const admin = () => ({ authorization: `Bearer ${process.env.SHIPLOG_TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' });
const owner = 'changelogs';
const repo = `kac-${Date.now().toString(36)}`;
const changelog = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'changelog', 'fixtures', 'keep-a-changelog-30.md'), 'utf8');

const importFile = (query = '', body: Record<string, unknown> = { changelog }) =>
  fetch(`${base()}/api/v2/projects/${owner}/${repo}/changelog-imports${query}`, { method: 'POST', headers: admin(), body: JSON.stringify(body) });

async function releaseTags(): Promise<string[]> {
  const res = await fetch(`${base()}/api/v2/projects/${owner}/${repo}/releases?limit=100&fields=tag`, { headers: admin() });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { tag: string }[] }).data.map((r) => r.tag);
}

beforeAll(async () => {
  const res = await fetch(`${base()}/api/v2/projects`, { method: 'POST', headers: admin(), body: JSON.stringify({ owner, repo }) });
  expect(res.status).toBe(201);
});

describe('POST /api/v2/projects/{owner}/{repo}/changelog-imports', () => {
  it('dry run: 30 would be created, none is', async () => {
    const res = await importFile('?dry_run=true');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { dryRun: boolean; created: number; existing: number; releases: { tag: string; action: string }[] };
    expect([body.dryRun, body.created, body.existing, body.releases.length]).toEqual([true, 30, 0, 30]);
    expect(await releaseTags()).toEqual([]);
  });

  it('imports 30 versions as 30 releases, then 0 on a second run', async () => {
    const first = await importFile();
    expect(first.status).toBe(200);
    expect(((await first.json()) as { created: number }).created).toBe(30);
    const tags = await releaseTags();
    expect(tags).toHaveLength(30);
    expect(tags).toContain('v2.0.0');
    const second = await importFile();
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ dryRun: false, created: 0, existing: 30 });
    expect(await releaseTags()).toHaveLength(30);
    // The release page of an imported version: its notes as the file gave them.
    const page = await fetch(`${base()}/api/v2/projects/${owner}/${repo}/releases/v2.0.0`);
    expect(page.status).toBe(200);
    expect(((await page.json()) as { notes: { markdown: string } }).notes.markdown).toContain('BREAKING CHANGE');
  });

  it('answers a clear 422 for a file without releases, 400 for an unknown member, 401 without a token', async () => {
    const none = await importFile('', { changelog: '# Changelog\n\nNothing yet.' });
    expect(none.status).toBe(422);
    expect(none.headers.get('content-type')).toMatch(/problem\+json/);
    expect(JSON.stringify(await none.json())).toContain('/changelog');
    const unknown = await importFile('', { changelog, dryrun: true });
    expect([400, 422]).toContain(unknown.status);
    expect(JSON.stringify(await unknown.json())).toContain('dryrun');
    const anonymous = await fetch(`${base()}/api/v2/projects/${owner}/${repo}/changelog-imports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ changelog }),
    });
    expect(anonymous.status).toBe(401);
  });
});
