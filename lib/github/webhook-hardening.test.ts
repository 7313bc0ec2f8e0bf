// What an attacker who can publish a release, or reach the webhook URL, can no longer do: make the
// server parse unsigned bodies, flood it with refused deliveries, store what the API refuses, replay a
// captured body over newer content, or use one project's secret on another project. Real payload shapes
// (@octokit/webhooks-examples), signed as GitHub signs them.
import examples from '@octokit/webhooks-examples';
import { and, eq } from 'drizzle-orm';
import { resetConfig } from '../config';
import { projects, releases, webhookDeliveries } from '../db/schema';
import { write } from '../db/write';
import { MovedError } from '../domain/errors';
import { toApiError } from '../http/problem';
import { methodRouter } from '../http/method-router';
import { createProject, findProject, requireProject, updateProject } from '../projects/repo';
import { useTestDatabase } from '../test/db';
import { invoke } from '../test/http';
import { sign } from './signature';
import { postGitHubWebhook } from './webhook';

const t = useTestDatabase();
const hook = methodRouter({ POST: postGitHubWebhook }, { bodyLimit: '25mb' });
const GLOBAL = 'hardening-global-secret';
const A_SECRET = 'project-a-secret-0123456789';
const B_SECRET = 'project-b-secret-0123456789';

type Payload = { action: string; release: Record<string, unknown>; repository: Record<string, unknown> & { owner: Record<string, unknown> } };
const template = (examples as unknown as { name: string; examples: Payload[] }[]).find((e) => e.name === 'release')!.examples.find((e) => e.action === 'published')!;

let n = 0;
let releaseIds = 900_000;
function payload(action: string, repo: { id: number; owner: string; name: string }, release: Record<string, unknown> = {}, repository: Record<string, unknown> = {}): Payload {
  return {
    ...template,
    action,
    release: { ...template.release, id: releaseIds, tag_name: 'v1.0.0', name: 'One', body: 'Notes', draft: false, prerelease: false, ...release },
    repository: {
      ...template.repository,
      id: repo.id,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: { ...template.repository.owner, login: repo.owner },
      ...repository,
    },
  };
}

function deliver(body: unknown, secret: string | null, options: { guid?: string; raw?: string | Buffer; headers?: Record<string, string> } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  return invoke(hook, {
    method: 'POST',
    url: '/api/webhooks/github',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'release',
      'x-github-delivery': options.guid ?? `hardening-${++n}`,
      ...(secret ? { 'x-hub-signature-256': sign(secret, raw) } : {}),
      ...options.headers,
    },
    body: raw,
  });
}

const A = { id: 5_000_001, owner: 'acme', name: 'alpha' };
const B = { id: 5_000_002, owner: 'bravo', name: 'beta' };
const releaseOf = async (projectId: number, githubId: number) =>
  (
    await t
      .db()
      .select()
      .from(releases)
      .where(and(eq(releases.projectId, projectId), eq(releases.githubId, githubId)))
  )[0];
const deliveryByGuid = async (guid: string) => (await t.db().select().from(webhookDeliveries).where(eq(webhookDeliveries.guid, guid)))[0];

let projectA: { id: number };
let projectB: { id: number };

beforeAll(async () => {
  process.env.GITHUB_WEBHOOK_SECRET = GLOBAL;
  process.env.SHIPLOG_AUTO_REGISTER = 'true';
  process.env.SHIPLOG_WEBHOOK_REFUSAL_LIMIT = '0';
  resetConfig();
  projectA = await write((tx) => createProject(tx, { owner: A.owner, repo: A.name, name: 'Alpha', description: null, homepage: null, webhookSecret: A_SECRET }));
  projectB = await write((tx) => createProject(tx, { owner: B.owner, repo: B.name, name: 'Beta', description: null, homepage: null, webhookSecret: B_SECRET }));
});
afterAll(() => {
  for (const name of ['GITHUB_WEBHOOK_SECRET', 'SHIPLOG_AUTO_REGISTER', 'SHIPLOG_WEBHOOK_REFUSAL_LIMIT']) delete process.env[name];
  resetConfig();
});

describe('signature first, then parsing', () => {
  it('answers an unsigned 24 MB body 401 without parsing it as JSON', async () => {
    const big = JSON.stringify({ ...payload('published', A), pad: 'x'.repeat(24 * 1024 * 1024) });
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const r = await deliver(undefined, 'wrong-secret', { raw: big });
      expect(r.status).toBe(401);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 1024 * 1024)).toHaveLength(0);
    } finally {
      parse.mockRestore();
    }
  });

  it('answers an address past its refused deliveries 429 with Retry-After, before reading the body', async () => {
    process.env.SHIPLOG_WEBHOOK_REFUSAL_LIMIT = '3';
    resetConfig();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await deliver(payload('published', A), 'wrong-secret')).status);
      expect(statuses).toEqual([401, 401, 401]);
      const refused = await deliver(payload('published', A), A_SECRET);
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      process.env.SHIPLOG_WEBHOOK_REFUSAL_LIMIT = '0';
      resetConfig();
    }
  });
});

describe("a project's own secret", () => {
  it('is the only one accepted for it: the global secret and another project’s secret are refused', async () => {
    const id = ++releaseIds;
    expect((await deliver(payload('published', B, { id, tag_name: 'b1' }), B_SECRET)).status).toBe(200);
    for (const secret of [GLOBAL, A_SECRET]) {
      const r = await deliver(payload('deleted', B, { id, tag_name: 'b1' }), secret);
      expect(r.status).toBe(401);
    }
    expect(await releaseOf(projectB.id, id)).toMatchObject({ tag: 'b1' });
    // B's release id delivered for A (signed with A's secret) neither touches B's release nor takes its id.
    const forA = await deliver(payload('deleted', A, { id, tag_name: 'b1' }), A_SECRET);
    expect(forA.status).toBe(200);
    expect(await releaseOf(projectB.id, id)).toMatchObject({ tag: 'b1' });
    const edited = await deliver(payload('edited', B, { id, tag_name: 'b1', name: 'still editable' }), B_SECRET);
    expect(edited.json()).toMatchObject({ outcome: 'updated' });
  });

  it('keeps accepting the previous secret while rotating, and only it besides the new one', async () => {
    const NEW = 'project-b-rotated-secret-0001';
    await write(async (tx) =>
      updateProject(tx, (await findProject(tx, B.owner, B.name, { seeAll: true, forUpdate: true }))!, {
        owner: B.owner,
        repo: B.name,
        name: 'Beta',
        description: null,
        homepage: null,
        webhookSecret: NEW,
      }),
    );
    expect((await deliver(payload('published', B, { id: ++releaseIds, tag_name: 'b2' }), NEW)).status).toBe(200);
    expect((await deliver(payload('published', B, { id: ++releaseIds, tag_name: 'b3' }), B_SECRET)).status).toBe(200);
    expect((await deliver(payload('published', B, { id: ++releaseIds, tag_name: 'b4' }), GLOBAL)).status).toBe(401);
  });
});

describe('one validation for webhooks and the API', () => {
  it.each([['latest'], ['..'], ['a/../b'], ['x/reactions'], ['v1/'], ['v1\u0001'], ['v1\r\nx']])(
    'refuses tag %j: 422, logged as failed with the reason, nothing stored',
    async (tag) => {
      const guid = `bad-tag-${++n}`;
      const id = ++releaseIds;
      const r = await deliver(payload('published', A, { id, tag_name: tag }), A_SECRET, { guid });
      expect(r.status).toBe(422);
      expect(r.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toContain('/release/tag_name');
      expect(await deliveryByGuid(guid)).toMatchObject({ status: 'failed' });
      expect((await deliveryByGuid(guid))?.error).toBeTruthy();
      expect(await releaseOf(projectA.id, id)).toBeUndefined();
    },
  );

  it.each([
    ['a quoted header parameter', { id: 6_000_001, owner: 'evil', name: 'x"; filename=evil.html; a="' }, {}],
    ['CRLF', { id: 6_000_002, owner: 'evil', name: 'x\r\nSet-Cookie: a=b' }, {}],
    ['a full_name that disagrees with owner/name', { id: 6_000_003, owner: 'evil', name: 'fine' }, { full_name: 'someone/else' }],
  ])('does not auto-register a repository with %s', async (_what, repo, extra) => {
    const guid = `bad-repo-${++n}`;
    const r = await deliver(payload('published', repo, { id: ++releaseIds }, extra), GLOBAL, { guid });
    expect(r.status).toBe(422);
    expect(await deliveryByGuid(guid)).toMatchObject({ status: 'failed' });
    expect(await t.db().select().from(projects).where(eq(projects.owner, 'evil'))).toHaveLength(0);
  });

  it.each([['html_url'], ['author.avatar_url'], ['author.html_url']])('refuses a javascript:/data: %s', async (field) => {
    const release: Record<string, unknown> = { id: ++releaseIds };
    if (field === 'html_url') release.html_url = 'javascript:alert(1)';
    else release.author = { ...(template.release.author as object), [field.split('.')[1]!]: 'data:text/html,<script>alert(1)</script>' };
    const r = await deliver(payload('published', A, release), A_SECRET);
    expect(r.status).toBe(422);
    expect(await releaseOf(projectA.id, release.id as number)).toBeUndefined();
  });

  it('stores a non-http(s) homepage of an auto-registered repository as none', async () => {
    const repo = { id: 6_100_001, owner: 'newcomer', name: 'site' };
    const r = await deliver(payload('published', repo, { id: ++releaseIds }, { homepage: 'javascript:alert(1)' }), GLOBAL);
    expect(r.status).toBe(200);
    expect((await findProject(t.db(), 'newcomer', 'site'))?.homepage).toBeNull();
  });

  it('refuses a body over 125,000 characters (GitHub’s own limit), as the API does', async () => {
    const r = await deliver(payload('published', A, { id: ++releaseIds, body: 'x'.repeat(125_001) }), A_SECRET);
    expect(r.status).toBe(422);
    expect(r.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toContain('/release/body');
  });

  it('removes characters XML 1.0 forbids from names and notes at the domain boundary', async () => {
    const id = ++releaseIds;
    const r = await deliver(
      payload('published', A, { id, tag_name: 'v-ctl', name: 'Name\u0001 with\u000b controls', body: 'page\fbreak and \u0008 backspace\ttab\nline' }),
      A_SECRET,
    );
    expect(r.status).toBe(200);
    expect(await releaseOf(projectA.id, id)).toMatchObject({ name: 'Name with controls', body: 'pagebreak and  backspace\ttab\nline' });
  });
});

describe('replays of captured signed bodies', () => {
  it('never let an older body overwrite a newer one', async () => {
    const id = ++releaseIds;
    const first = payload('published', A, { id, tag_name: 'v-replay', body: 'old notes' }, { updated_at: '2026-01-01T00:00:00Z' });
    const newer = payload('edited', A, { id, tag_name: 'v-replay', body: 'new notes' }, { updated_at: '2026-01-02T00:00:00Z' });
    expect((await deliver(first, A_SECRET)).json()).toMatchObject({ outcome: 'created' });
    expect((await deliver(newer, A_SECRET)).json()).toMatchObject({ outcome: 'updated' });
    // The very bytes captured earlier, under a new delivery id.
    const replay = await deliver(first, A_SECRET);
    expect(replay.status).toBe(202);
    expect(replay.json()).toMatchObject({ status: 'ignored', outcome: 'stale' });
    // A body never seen before, but older by the repository's own clock.
    const older = await deliver(payload('edited', A, { id, tag_name: 'v-replay', body: 'forged old notes' }, { updated_at: '2026-01-01T12:00:00Z' }), A_SECRET);
    expect(older.json()).toMatchObject({ status: 'ignored', outcome: 'stale' });
    expect(await releaseOf(projectA.id, id)).toMatchObject({ body: 'new notes' });
  });
});

describe('GitHub renames and transfers (repository.id)', () => {
  it('renames the project, keeps its releases one set, redirects the old name, and applies later edits and deletes', async () => {
    const repo = { id: 7_000_001, owner: 'octo', name: 'before' };
    const project = await write((tx) => createProject(tx, { owner: 'octo', repo: 'before', name: 'Before', description: null, homepage: null }));
    const id = ++releaseIds;
    expect((await deliver(payload('published', repo, { id, tag_name: 'v1' }), GLOBAL)).json()).toMatchObject({ outcome: 'created' });
    const moved = { ...repo, owner: 'octo-org', name: 'after' };
    const edited = await deliver(payload('edited', moved, { id, tag_name: 'v1', name: 'after the rename' }), GLOBAL);
    expect(edited.status).toBe(200);
    expect(edited.json()).toMatchObject({ outcome: 'updated', release: { project: 'octo-org/after' } });
    const renamed = await findProject(t.db(), 'octo-org', 'after', { seeAll: true });
    expect(renamed?.id).toBe(project.id);
    expect(renamed?.releaseCount).toBe(1);
    const old = await requireProject(t.db(), 'octo', 'before').catch((e: unknown) => e);
    expect(old).toBeInstanceOf(MovedError);
    expect(toApiError(old).status).toBe(308);
    expect(toApiError(old).extensions.renamed).toEqual({ from: 'octo/before', to: 'octo-org/after' });
    const deleted = await deliver(payload('deleted', moved, { id, tag_name: 'v1' }), GLOBAL);
    expect(deleted.json()).toMatchObject({ outcome: 'deleted' });
    expect(await releaseOf(project.id, id)).toBeUndefined();
  });
});
