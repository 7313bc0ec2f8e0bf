/**
 * The package and version a release's tag names. A monorepo publishes `@acme/ui@2.0.0`,
 * `chart-x-1.2.0` or `pkg/v1.4.0` from one repository; a single-package repository tags `v1.2.3`
 * (its package is null). A project may set its own patterns (regular expressions with named groups
 * `version` and optionally `package`): they are tried first, then the defaults below.
 */

export interface TagParts {
  /** Null for a single-package tag (`v1.2.3`), or when no pattern matches. */
  package: string | null;
  /** The version as the tag spells it, without a leading `v`; null when no pattern matches. */
  version: string | null;
}

/** A version as tags spell them: at least `major.minor`, maybe a prerelease and build metadata. */
const VERSION = String.raw`(?<version>\d+(?:\.\d+)+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)`;

/** The default patterns, in the order they are tried. */
export const DEFAULT_TAG_PATTERNS: readonly RegExp[] = [
  // v1.2.3, 1.2.3, v2.0.0-rc.1
  new RegExp(String.raw`^v?${VERSION}$`),
  // @scope/pkg@1.2.3
  new RegExp(String.raw`^(?<package>@[^/@\s]+/[^@\s]+)@v?${VERSION}$`),
  // pkg@1.2.3
  new RegExp(String.raw`^(?<package>[^@\s]+)@v?${VERSION}$`),
  // pkg/v1.2.3, packages/pkg/1.2.3
  new RegExp(String.raw`^(?<package>\S+)/v?${VERSION}$`),
  // pkg-v1.2.3, chart-x-1.2.0
  new RegExp(String.raw`^(?<package>\S+?)-v?${VERSION}$`),
];

/** Limits on a project's own patterns. */
export const MAX_TAG_PATTERNS = 20;
export const MAX_TAG_PATTERN_LENGTH = 300;

export interface PatternIssue {
  /** Index of the pattern in the list. */
  index: number;
  reason: string;
}

/**
 * Checks a project's own patterns: each must compile (as a JavaScript regular expression, `u` flag),
 * have a named group `version`, and have no named groups other than `package` and `version`.
 */
export function checkTagPatterns(patterns: readonly string[]): PatternIssue[] {
  const issues: PatternIssue[] = [];
  if (patterns.length > MAX_TAG_PATTERNS) issues.push({ index: MAX_TAG_PATTERNS, reason: `at most ${MAX_TAG_PATTERNS} patterns` });
  patterns.forEach((p, index) => {
    if (typeof p !== 'string' || p.length === 0) return issues.push({ index, reason: 'must be a non-empty string' });
    if (p.length > MAX_TAG_PATTERN_LENGTH) return issues.push({ index, reason: `must be at most ${MAX_TAG_PATTERN_LENGTH} characters` });
    let re: RegExp;
    try {
      re = new RegExp(p, 'u');
    } catch (err) {
      return issues.push({ index, reason: `is not a valid regular expression: ${(err as Error).message}` });
    }
    const groups = namedGroups(re);
    if (!groups.includes('version')) return issues.push({ index, reason: 'must have a named group "version", as in (?<version>\\d+\\.\\d+\\.\\d+)' });
    const other = groups.filter((g) => g !== 'version' && g !== 'package');
    if (other.length) return issues.push({ index, reason: `has named groups other than "package" and "version": ${other.join(', ')}` });
  });
  return issues;
}

function namedGroups(re: RegExp): string[] {
  return [...re.source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]!);
}

/** Compiles a project's own patterns (already checked with `checkTagPatterns`; an invalid one is skipped). */
export function compileTagPatterns(patterns: readonly string[] | null | undefined): RegExp[] {
  const out: RegExp[] = [];
  for (const p of patterns ?? []) {
    try {
      out.push(new RegExp(p, 'u'));
    } catch {
      // checked on input: only a row written some other way can hold one
    }
  }
  return out;
}

const nonEmpty = (s: string | undefined): string | null => (s && s.trim() ? s.trim() : null);

/** The package and version of `tag`: the project's own patterns first, then the defaults. */
export function parseTag(tag: string, own: readonly RegExp[] = []): TagParts {
  for (const re of [...own, ...DEFAULT_TAG_PATTERNS]) {
    const m = re.exec(tag);
    if (!m) continue;
    const version = nonEmpty(m.groups?.version)?.replace(/^v(?=\d)/, '') ?? null;
    if (!version) continue;
    return { package: nonEmpty(m.groups?.package), version };
  }
  return { package: null, version: null };
}
