import type { Tx } from '../db';
import type { ProjectRef } from '../releases/repo';
import { removeGitHubRelease, syncGitHubRelease, type GitHubOutcome } from '../releases/service';
import { fromGitHub, type GitHubRelease } from './payload';

export type ApplyOutcome = GitHubOutcome;

/**
 * Applies GitHub's release payload through the release service (lib/releases/service.ts), which keys
 * it by GitHub's release id, honours tombstones and keeps Shiplog's own `hidden` flag. Used by
 * webhooks, replay and imports. `forceDraft` stores it as a draft whatever GitHub says.
 */
export async function upsertGitHubRelease(tx: Tx, project: ProjectRef, gh: GitHubRelease, options: { forceDraft?: boolean } = {}): Promise<ApplyOutcome> {
  const source = options.forceDraft ? { ...gh, draft: true } : gh;
  return syncGitHubRelease(tx, project, fromGitHub(source), { kind: 'github', releaseId: gh.id });
}

/** Deletes by GitHub id and leaves a tombstone, so a late or replayed `published` cannot bring it back. */
export async function deleteGitHubRelease(tx: Tx, project: ProjectRef, gh: Pick<GitHubRelease, 'id' | 'tag_name'>): Promise<ApplyOutcome> {
  return removeGitHubRelease(tx, project, gh.tag_name, { kind: 'github', releaseId: gh.id });
}
