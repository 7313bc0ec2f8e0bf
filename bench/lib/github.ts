import { createHash, randomUUID } from 'node:crypto';
import examples from '@octokit/webhooks-examples';
import { sign } from '../../lib/github/signature';
import { TEST_WEBHOOK_SECRET } from './servers';

/** GitHub's own `release.published` example, re-aimed at a project and a tag. */
const published = (examples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === 'release')!.examples.find((e) => e.action === 'published')!;

/** A distinct GitHub repository id per owner/repo (the examples share one; Shiplog follows it across renames). */
const repositoryIdFor = (owner: string, repo: string) => 1_000_000_000 + (createHash('sha256').update(`${owner}/${repo}`.toLowerCase()).digest().readUInt32BE(0) % 1_000_000_000);

export function releaseEvent(action: string, owner: string, repo: string, id: number, tag: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const release = {
    ...(published.release as object),
    id,
    tag_name: tag,
    name: `Release ${tag}`,
    body: `## ${tag}\n\n- Fixed a bug\n- Made it faster`,
    draft: false,
    prerelease: false,
    published_at: new Date().toISOString(),
    ...extra,
  };
  const base = published.repository as { owner: object };
  const repository = { ...base, id: repositoryIdFor(owner, repo), name: repo, full_name: `${owner}/${repo}`, owner: { ...base.owner, login: owner } };
  return { ...published, action, release, repository };
}

/** The headers GitHub sends with a delivery, signed with the test servers' global secret. */
export function deliveryHeaders(body: string, guid: string = randomUUID(), event = 'release', secret = TEST_WEBHOOK_SECRET): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': guid,
    'x-hub-signature-256': sign(secret, body),
  };
}

export async function deliver(baseUrl: string, payload: unknown, guid?: string): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`${baseUrl}/api/webhooks/github`, { method: 'POST', headers: deliveryHeaders(body, guid), body });
}
