import type { ReleaseRecord } from '../releases/repo';
import { releaseBrief } from '../releases/present';
import type { ProjectBrief } from './schema';
import type { ProjectRecord } from './repo';

export function projectBrief(p: { id: number; owner: string; repo: string; name: string }): ProjectBrief {
  return { id: p.id, owner: p.owner, repo: p.repo, fullName: `${p.owner}/${p.repo}`, name: p.name };
}

export function projectFull(p: ProjectRecord): Record<string, unknown> {
  return {
    ...projectBrief(p),
    description: p.description,
    homepage: p.homepage,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    releaseCount: p.releaseCount,
    latestRelease: p.latest
      ? {
          id: p.latest.id,
          project: `${p.owner}/${p.repo}`,
          tag: p.latest.tag,
          name: p.latest.name,
          publishedAt: p.latest.publishedAt.toISOString(),
          prerelease: p.latest.prerelease,
          url: p.latest.htmlUrl,
        }
      : null,
  };
}

export function projectExtended(p: ProjectRecord, recent: ReleaseRecord[]): Record<string, unknown> {
  return { ...projectFull(p), recentReleases: recent.map(releaseBrief) };
}

/** The PUT document PATCH applies to (the write-only secret is not in it, but a patch may set it). */
export function writableProject(p: ProjectRecord): Record<string, unknown> {
  return { owner: p.owner, repo: p.repo, name: p.name, description: p.description, homepage: p.homepage };
}

export function projectPath(base: string, p: { owner: string; repo: string }): string {
  return `${base}/projects/${p.owner}/${p.repo}`;
}
