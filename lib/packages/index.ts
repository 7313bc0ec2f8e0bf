import { isBreaking } from './breaking';
import { compileTagPatterns, parseTag } from './tags';
import { versionKey } from './versions';

export * from './breaking';
export * from './tags';
export * from './versions';

/**
 * What Shiplog derives from a release by itself (its level needs the package's other releases):
 * stored in the release's row, written with every change of the tag, title or notes.
 */
export interface DerivedRelease {
  package: string | null;
  packageVersion: string | null;
  versionKey: string | null;
  breaking: boolean;
}

/** Which derivation rules a row was made by (releases.derived): rows below it are derived again. */
export const DERIVATION_VERSION = 1;

export function deriveRelease(r: { tag: string; name: string | null; body: string }, tagPatterns?: readonly string[] | null): DerivedRelease {
  const parts = parseTag(r.tag, compileTagPatterns(tagPatterns));
  return { package: parts.package, packageVersion: parts.version, versionKey: versionKey(parts.version), breaking: isBreaking(r.name, r.body) };
}
