import semver from 'semver';

/**
 * Semantic versions: the order of releases within a package, the key that stores that order (so
 * the database sorts in semver order, not string order: 1.10.0 after 1.9.0, 2.0.0-rc.1 before
 * 2.0.0), and a release's level relative to the package's previous release.
 */

export const RELEASE_LEVELS = ['major', 'minor', 'patch', 'prerelease', 'other'] as const;
export type ReleaseLevel = (typeof RELEASE_LEVELS)[number];

/** The version as a strict semver (build metadata kept), or null when it is not one. */
export function validVersion(version: string | null | undefined): semver.SemVer | null {
  if (!version) return null;
  return semver.parse(version, { loose: false });
}

/** Compares two versions in semver order; a version that is not semver sorts before every semver one, then by text. */
export function compareVersions(a: string | null, b: string | null): number {
  const va = validVersion(a);
  const vb = validVersion(b);
  if (va && vb) return semver.compare(va, vb);
  if (va) return 1;
  if (vb) return -1;
  return (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
}

/** Sorts versions (or things with one) in ascending semver order; a stable sort. */
export function sortByVersion<T>(items: readonly T[], versionOf: (t: T) => string | null): T[] {
  return [...items].sort((x, y) => compareVersions(versionOf(x), versionOf(y)));
}

/** A non-negative integer as text that sorts by value under byte order: its length (two digits), then its digits. */
function numberKey(n: string | number): string {
  const digits = String(n).replace(/^0+(?=\d)/, '');
  return String(digits.length).padStart(2, '0') + digits;
}

/**
 * A text key that sorts (byte order, `collate "C"`) exactly like semver precedence: major, minor
 * and patch by value; a prerelease before its release (`!` < `~`); prerelease identifiers one by
 * one, numeric ones (`0…`) before alphanumeric ones (`1…`), numeric by value, alphanumeric by ASCII,
 * fewer identifiers first (the separator `,` sorts below every identifier character). Build metadata
 * is ignored, as semver does. Null for a version that is not semver.
 */
export function versionKey(version: string | null | undefined): string | null {
  const v = validVersion(version);
  if (!v) return null;
  const core = `${numberKey(v.major)}.${numberKey(v.minor)}.${numberKey(v.patch)}`;
  if (!v.prerelease.length) return `${core}~`;
  const ids = v.prerelease.map((id) => (typeof id === 'number' || /^\d+$/.test(id) ? `0${numberKey(id)}` : `1${id}`));
  return `${core}!${ids.join(',')}`;
}

/**
 * The level of `version` relative to the package's previous stable release (`previousStable`, the
 * newest stable version below it; null for the package's first: compared with 0.0.0, so 1.0.0 is
 * major and 0.1.0 minor). A prerelease is `prerelease`; a version that is not semver is `other`.
 */
export function levelOf(version: string | null, previousStable: string | null): ReleaseLevel {
  const v = validVersion(version);
  if (!v) return 'other';
  if (v.prerelease.length) return 'prerelease';
  const p = validVersion(previousStable) ?? new semver.SemVer('0.0.0');
  if (v.major !== p.major) return 'major';
  if (v.minor !== p.minor) return 'minor';
  return 'patch';
}

/**
 * Levels of one package's releases: each release's level relative to the newest stable release
 * below it in semver order. Input in any order; the answer is by id.
 */
export function packageLevels<T extends { id: number; version: string | null }>(items: readonly T[]): Map<number, ReleaseLevel> {
  const out = new Map<number, ReleaseLevel>();
  const semverItems = items.filter((i) => validVersion(i.version));
  for (const i of items) if (!validVersion(i.version)) out.set(i.id, 'other');
  const sorted = sortByVersion(semverItems, (i) => i.version);
  let previousStable: string | null = null;
  let i = 0;
  while (i < sorted.length) {
    // Releases of equal precedence (1.0.0 and 1.0.0+build) share the previous stable release.
    let j = i;
    while (j < sorted.length && compareVersions(sorted[j]!.version, sorted[i]!.version) === 0) j++;
    let stable: string | null = null;
    for (let k = i; k < j; k++) {
      const item = sorted[k]!;
      out.set(item.id, levelOf(item.version, previousStable));
      if (!validVersion(item.version)!.prerelease.length) stable = item.version;
    }
    if (stable) previousStable = stable;
    i = j;
  }
  return out;
}
