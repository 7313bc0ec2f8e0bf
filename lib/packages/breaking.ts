/**
 * Whether a release breaks things, from its title and notes: a `!` in a conventional title
 * (`feat!: …`, `feat(api)!: …`, also as a line of the notes), `BREAKING CHANGE` (or
 * `BREAKING-CHANGE`, as conventional commits write it), or a "Breaking changes" section with
 * something in it.
 */

const CONVENTIONAL_BANG = /^[a-z][a-z0-9-]*(?:\([^()\n]*\))?!:\s/i;
/** A list item or line of the notes written as a conventional commit with `!` (maybe in bold, maybe after a commit link). */
const NOTES_BANG = /^[ \t]*(?:[-*+]|\d+[.)])?[ \t]*(?:\*\*|__)?[a-z][a-z0-9-]*(?:\([^()\n]*\))?!(?:\*\*|__)?:/im;
const BREAKING_CHANGE = /\bBREAKING[ -]CHANGES?\b/;
/** A Markdown heading (ATX) or bold line naming breaking changes, maybe after an emoji. */
const BREAKING_HEADING = /^(?:#{1,6}[ \t]+|\*\*|__)[^\w\n]*breaking[ \t]+changes?\b[^\n]*$/gim;
const NOTHING = /^(?:none\.?|n\/a|-|nothing\.?|no breaking changes\.?)$/i;

function breakingSection(notes: string): boolean {
  for (const m of notes.matchAll(BREAKING_HEADING)) {
    const heading = m[0];
    const level = /^#+/.exec(heading)?.[0].length ?? 7;
    const rest = notes.slice(m.index + heading.length);
    // The section ends at the next heading of the same or a higher level.
    const lines: string[] = [];
    for (const line of rest.split('\n')) {
      const h = /^(#{1,6})[ \t]/.exec(line);
      if (h && h[1]!.length <= level) break;
      if (level === 7 && (/^(?:\*\*|__)/.test(line) || h)) break;
      lines.push(line);
    }
    const content = lines.map((l) => l.replace(/^[ \t]*(?:[-*+]|\d+[.)])?[ \t]*/, '').trim()).filter((l) => l.length > 0 && !/^<!--.*-->$/.test(l));
    if (content.length && !(content.length === 1 && NOTHING.test(content[0]!))) return true;
  }
  return false;
}

export function isBreaking(title: string | null | undefined, notes: string | null | undefined): boolean {
  const t = (title ?? '').trim();
  const n = notes ?? '';
  if (CONVENTIONAL_BANG.test(t) || BREAKING_CHANGE.test(t)) return true;
  if (BREAKING_CHANGE.test(n) || NOTES_BANG.test(n)) return true;
  return breakingSection(n);
}
