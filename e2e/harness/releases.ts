// Writes for browser tests: a project of their own (so demo data other tests read stays untouched),
// releases through the REST API, and releases published the way GitHub does it (a signed webhook).
import examples from '@octokit/webhooks-examples';
import { createHash, randomUUID } from 'node:crypto';
import { sign } from '../../lib/github/signature';
import { TEST_WEBHOOK_SECRET } from './server';

const base = () => process.env.SHIPLOG_TEST_URL!;
const admin = () => ({ authorization: `Bearer ${process.env.SHIPLOG_TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' });

export async function createProject(owner: string, repo: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await fetch(`${base()}/api/v1/projects`, { method: 'POST', headers: admin(), body: JSON.stringify({ owner, repo, ...extra }) });
  if (res.status !== 201) throw new Error(`POST /api/v1/projects answered ${res.status}: ${await res.text()}`);
}

/** POST /api/v1/projects/{owner}/{repo}/releases (published now unless told otherwise). */
export async function createRelease(owner: string, repo: string, release: { tag: string; body: string; name?: string; prerelease?: boolean }): Promise<void> {
  const res = await fetch(`${base()}/api/v1/projects/${owner}/${repo}/releases`, { method: 'POST', headers: admin(), body: JSON.stringify(release) });
  if (res.status !== 201) throw new Error(`POST releases answered ${res.status}: ${await res.text()}`);
}

const template = (examples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === 'release')!.examples.find((e) => e.action === 'published')!;
/**
 * A GitHub repository id for owner/repo (stable, distinct per name): GitHub's example payloads all
 * carry the same repository id, and Shiplog follows that id across renames.
 */
export function repositoryIdFor(owner: string, repo: string): number {
  return 1_000_000_000 + (createHash('sha256').update(`${owner}/${repo}`.toLowerCase()).digest().readUInt32BE(0) % 1_000_000_000);
}

let githubId = 800_000_000 + Math.floor(Math.random() * 1_000_000);

/** Delivers a signed `release` / `published` webhook for owner/repo; resolves when Shiplog answered 200. */
export async function publishViaWebhook(owner: string, repo: string, tag: string, body = `Notes for **${tag}**`): Promise<void> {
  const repository = template.repository as { owner: object };
  const payload = {
    ...template,
    action: 'published',
    release: {
      ...(template.release as object),
      id: githubId++,
      tag_name: tag,
      name: `Release ${tag}`,
      body,
      draft: false,
      prerelease: false,
      published_at: new Date().toISOString(),
    },
    repository: { ...repository, id: repositoryIdFor(owner, repo), name: repo, full_name: `${owner}/${repo}`, owner: { ...repository.owner, login: owner } },
  };
  const raw = JSON.stringify(payload);
  const res = await fetch(`${base()}/api/webhooks/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'release', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': sign(TEST_WEBHOOK_SECRET, raw) },
    body: raw,
  });
  const answer = await res.text();
  if (res.status !== 200 || !answer.includes('"processed"')) throw new Error(`webhook answered ${res.status}: ${answer}`);
}
