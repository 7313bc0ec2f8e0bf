import { validVersion } from '../packages';

/**
 * A CHANGELOG.md as releases: Keep a Changelog (`## [1.2.3] - 2024-01-02`, sections `### Added` …,
 * link references at the bottom), conventional-changelog / semantic-release / release-please
 * (`## [1.2.0](https://…/compare/v1.1.0...v1.2.0) (2024-01-02)`, also `#` and `###` headings) and
 * changesets (`# @acme/ui`, then `## 2.0.0` and `### Major Changes` …, no dates). A release starts at
 * a heading (levels 1–3) that begins with a version and ends at the next one; `Unreleased` is skipped.
 */

export interface ChangelogRelease {
  /** As the heading spells it, without `v` or brackets. */
  version: string;
  /** The date the heading gives (ISO `YYYY-MM-DD`), or null. */
  date: string | null;
  /** The notes under the heading, as Markdown (link references the notes use are kept). */
  notes: string;
  /** The link the heading gives (a compare URL), or the one its link reference gives. */
  url: string | null;
  /** Keep a Changelog's `[YANKED]`. */
  yanked: boolean;
  /** The package a changesets file names in its title (`# @acme/ui`), or null. */
  package: string | null;
}

export interface ParsedChangelog {
  releases: ChangelogRelease[];
  /** The package the file is for, from a changesets-style title; null otherwise. */
  package: string | null;
  /** Headings that looked like releases but could not be read (the version is not one). */
  skipped: string[];
}

const VERSION = String.raw`v?(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)`;
/** `[1.2.3]`, `[1.2.3](url)`, `1.2.3`, `v1.2.3`, maybe followed by a date and `[YANKED]`. */
const RELEASE_HEADING = new RegExp(String.raw`^(#{1,3})[ \t]+(?:\[${VERSION}\](?:\((\S+?)\))?|${VERSION}\b)(.*)$`);
/** A heading that starts like a release but is not one this file format allows (`## [1.0.0.0.1]`). */
const RELEASE_LIKE = /^#{1,3}[ \t]+\[?v?\d+\.\d+/;
const HEADING = /^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$/;
const DATE = /(\d{4})-(\d{2})-(\d{2})/;
const LINK_REFERENCE = /^\[([^\]]+)\]:[ \t]*(\S+)/;
const FENCE = /^[ \t]{0,3}(```|~~~)/;
/** A changesets title naming a scoped package (an unscoped title may be the project's name: the caller names the package). */
const PACKAGE_TITLE = /^#[ \t]+(@[a-z0-9][\w.-]*\/[\w.-]+)[ \t]*$/i;

function isoDate(rest: string): string | null {
  const m = DATE.exec(rest);
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}` ? null : `${m[1]}-${m[2]}-${m[3]}`;
}

export function parseChangelog(markdown: string): ParsedChangelog {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  // Link references anywhere in the file: `[1.2.3]: https://…` gives release 1.2.3 its URL.
  const references = new Map<string, string>();
  let fenced = false;
  for (const line of lines) {
    if (FENCE.test(line)) fenced = !fenced;
    const m = !fenced && LINK_REFERENCE.exec(line);
    if (m) references.set(m[1]!.toLowerCase(), m[2]!);
  }
  const releases: ChangelogRelease[] = [];
  const skipped: string[] = [];
  let filePackage: string | null = null;
  let current: (ChangelogRelease & { level: number; body: string[] }) | undefined;
  const close = () => {
    if (!current) return;
    const { level: _level, body, ...release } = current;
    // Trailing link references for versions belong to the file, not to the last release's notes.
    while (body.length) {
      const last = body[body.length - 1]!;
      const ref = LINK_REFERENCE.exec(last);
      if (last.trim() === '' || (ref && references.has(ref[1]!.toLowerCase()) && /^(unreleased|v?\d+\.\d+)/i.test(ref[1]!))) body.pop();
      else break;
    }
    releases.push({ ...release, notes: body.join('\n').replace(/^\n+/, '').trimEnd() });
    current = undefined;
  };
  fenced = false;
  for (const line of lines) {
    if (FENCE.test(line)) fenced = !fenced;
    if (!fenced) {
      const release = RELEASE_HEADING.exec(line);
      if (!release && RELEASE_LIKE.test(line)) {
        close();
        skipped.push(line.trim());
        continue;
      }
      if (release) {
        const level = release[1]!.length;
        const version = (release[2] ?? release[4])!;
        const rest = release[5] ?? '';
        close();
        if (!validVersion(version) && !/^\d+\.\d+$/.test(version)) {
          skipped.push(line.trim());
          continue;
        }
        const url = release[3] ?? references.get(version.toLowerCase()) ?? references.get(`v${version}`.toLowerCase()) ?? null;
        current = { version, date: isoDate(rest), notes: '', url, yanked: /\[yanked\]/i.test(rest), package: filePackage, level, body: [] };
        continue;
      }
      const heading = HEADING.exec(line);
      if (heading) {
        const level = heading[1]!.length;
        // A heading above the releases' level ends the release (a changesets title names the next package).
        if (!current || level < current.level) {
          close();
          const title = PACKAGE_TITLE.exec(line);
          if (level === 1) filePackage = title ? title[1]! : filePackage;
          continue;
        }
        if (/^unreleased$/i.test(heading[2]!.replace(/[[\]]/g, '')) && level <= current.level) {
          close();
          continue;
        }
      }
    }
    current?.body.push(line);
  }
  close();
  return { releases, package: releases.find((r) => r.package)?.package ?? null, skipped };
}
