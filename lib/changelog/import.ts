import { eq } from 'drizzle-orm';
import type { Principal } from '../auth/principal';
import { getDb, type Executor } from '../db';
import { releases } from '../db/schema';
import { write } from '../db/write';
import { InvalidError } from '../domain/errors';
import { compareVersions, deriveRelease, validVersion } from '../packages';
import { tagPatternsOf } from '../packages/store';
import { requireProject } from '../projects/repo';
import { ensureDerived } from '../releases/derive';
import { createRelease, prepareNotes } from '../releases/service';
import { parseChangelog, type ChangelogRelease } from './parse';

/**
 * Imports a CHANGELOG.md into a project (history older than its GitHub Releases, or a project without
 * them): each version the file lists becomes a release unless the project has it already (the same
 * tag, or a release of the same package and version under another tag, such as `1.2.3` for `v1.2.3`),
 * so importing the same file again creates nothing. A dry run answers what would be created.
 */

export interface ChangelogImportOptions {
  /** The package the file is for (monorepos); null or absent: the file's own changesets title, if any, else none. */
  package?: string | null;
  /** How a version becomes a tag: `{version}` and `{package}`; default `v{version}`, or `{package}@{version}` with a package. */
  tagFormat?: string | null;
  dryRun: boolean;
  principal: Principal;
}

export interface PlannedRelease {
  version: string;
  package: string | null;
  tag: string;
  date: string | null;
  breaking: boolean;
  /** `create` (created, or would be in a dry run) or `exists` (the project has it: `existingTag`). */
  action: 'create' | 'exists';
  existingTag: string | null;
}

export interface ChangelogImportResult {
  dryRun: boolean;
  created: number;
  existing: number;
  releases: PlannedRelease[];
  /** Headings that looked like releases but were not read, with why. */
  skipped: string[];
}

function tagFor(format: string, version: string, pkg: string | null): string {
  return format.replaceAll('{version}', version).replaceAll('{package}', pkg ?? '');
}

function checkFormat(format: string, pkg: string | null): void {
  const issues: { path: string; reason: string }[] = [];
  if (!format.includes('{version}')) issues.push({ path: '/tagFormat', reason: 'must contain {version}' });
  if (format.includes('{package}') && !pkg) issues.push({ path: '/tagFormat', reason: 'uses {package} but no package is given (set package)' });
  if (issues.length) throw new InvalidError('The tag format cannot make tags.', { issues });
}

async function existingReleases(db: Executor, projectId: number) {
  const rows = await db.select({ tag: releases.tag, package: releases.package, version: releases.packageVersion }).from(releases).where(eq(releases.projectId, projectId));
  const byTag = new Map(rows.map((r) => [r.tag, r.tag]));
  const byVersion = new Map<string, string>();
  for (const r of rows) if (r.version) byVersion.set(`${r.package ?? ''}\0${validVersion(r.version)?.version ?? r.version}`, r.tag);
  return (tag: string, pkg: string | null, version: string) => byTag.get(tag) ?? byVersion.get(`${pkg ?? ''}\0${validVersion(version)?.version ?? version}`) ?? null;
}

export async function importChangelog(project: { owner: string; repo: string }, markdown: string, o: ChangelogImportOptions): Promise<ChangelogImportResult> {
  const parsed = parseChangelog(markdown);
  if (!parsed.releases.length) {
    throw new InvalidError('The changelog lists no releases: no heading starts with a version (like "## [1.2.3] - 2024-01-02" or "## 1.2.3").', {
      issues: [{ path: '/changelog', reason: 'has no release headings' }],
    });
  }
  const db = await getDb();
  const ref = await requireProject(db, project.owner, project.repo, { seeAll: true });
  await ensureDerived(ref.id);
  const patterns = await tagPatternsOf(db, ref.id);
  const skipped = [...parsed.skipped];
  // Oldest first: releases are created in version order.
  const seen = new Set<string>();
  const entries: { r: ChangelogRelease; pkg: string | null; tag: string }[] = [];
  for (const r of [...parsed.releases].sort((a, b) => compareVersions(a.version, b.version))) {
    const pkg = o.package ?? r.package ?? null;
    const format = o.tagFormat ?? (pkg ? '{package}@{version}' : 'v{version}');
    checkFormat(format, pkg);
    const key = `${pkg ?? ''}\0${r.version}`;
    if (seen.has(key)) {
      skipped.push(`${r.version}: listed twice (the first one is imported)`);
      continue;
    }
    seen.add(key);
    entries.push({ r, pkg, tag: tagFor(format, r.version, pkg) });
  }
  const plan = async (db: Executor): Promise<PlannedRelease[]> => {
    const has = await existingReleases(db, ref.id);
    return entries.map(({ r, pkg, tag }) => {
      const existingTag = has(tag, pkg, r.version);
      return {
        version: r.version,
        package: pkg,
        tag,
        date: r.date,
        breaking: deriveRelease({ tag, name: null, body: r.notes }, patterns).breaking,
        action: existingTag ? 'exists' : 'create',
        existingTag,
      };
    });
  };
  const summary = (planned: PlannedRelease[], dryRun: boolean): ChangelogImportResult => ({
    dryRun,
    created: planned.filter((p) => p.action === 'create').length,
    existing: planned.filter((p) => p.action === 'exists').length,
    releases: planned,
    skipped,
  });
  const before = await plan(db);
  if (o.dryRun) return summary(before, true);
  const notes = new Map(entries.map((e) => [e.tag, e.r]));
  // Notes render before the transaction: a refusal (too long) names the version and nothing is written.
  for (const p of before.filter((p) => p.action === 'create')) {
    await prepareNotes(notes.get(p.tag)!.notes, ref, `/changelog (version ${p.version})`);
  }
  const planned = await write(async (tx) => {
    const now = await plan(tx); // what another import created meanwhile is not created twice
    for (const p of now) {
      if (p.action !== 'create') continue;
      const r = notes.get(p.tag)!;
      await createRelease(
        tx,
        ref,
        {
          tag: p.tag,
          name: null,
          body: r.notes,
          url: r.url && /^https?:\/\//.test(r.url) ? r.url : null,
          publishedAt: r.date ? new Date(`${r.date}T00:00:00Z`) : null,
          prerelease: (validVersion(r.version)?.prerelease.length ?? 0) > 0,
          draft: false,
          hidden: false,
          author: null,
        },
        { actor: { kind: 'person', principal: o.principal }, notesPath: '/changelog' },
      );
    }
    return now;
  });
  return summary(planned, false);
}
