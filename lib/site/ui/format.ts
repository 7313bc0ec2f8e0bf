const dateFormat = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('en', { month: 'short', timeZone: 'UTC' });

/** Dates render the same on the server and in the browser (UTC), so hydration never disagrees. */
export const formatDate = (iso: string) => dateFormat.format(new Date(iso));

/** A date in the timeline's two lines: "Mar 4" over "2026". */
export const dateParts = (iso: string) => {
  const d = new Date(iso);
  return { dayMonth: `${monthFormat.format(d)} ${d.getUTCDate()}`, year: String(d.getUTCFullYear()) };
};

const SEPARATORS = /^[\s\-–—:·|,()[\]]+|[\s\-–—:·|,()[\]]+$/g;
const bare = (tag: string) => tag.replace(/^v(?=\d)/i, '');

/**
 * What a release is titled: its name, or its tag when it has none (or the name is only the tag).
 */
export function releaseTitle(release: { tag: string; name: string | null }): string {
  const name = release.name?.trim();
  return name && bare(name) !== bare(release.tag) ? name : release.tag;
}

/** Whether the title already says the tag (then the tag is not repeated under it). */
export function titleSaysTag(release: { tag: string; name: string | null }): boolean {
  return releaseTitle(release).toLowerCase().includes(bare(release.tag).toLowerCase());
}

/**
 * A release's name where its tag is shown beside it (lists): the tag taken out ("v2.0.0 – Rockets" →
 * "Rockets"), or null when nothing else is left.
 */
export function nameBesideTag(release: { tag: string; name: string | null }): string | null {
  const name = release.name?.trim();
  if (!name) return null;
  const at = name.toLowerCase().indexOf(bare(release.tag).toLowerCase());
  const rest = at < 0 ? name : `${name.slice(0, at).replace(/v$/i, '')} ${name.slice(at + bare(release.tag).length)}`;
  const cleaned = rest.replace(/\s+/g, ' ').replace(SEPARATORS, '').trim();
  return cleaned ? cleaned : null;
}

/** A GitHub avatar at the size shown (twice, for dense screens); other URLs as they are. */
export function avatarAt(url: string, px: number): string {
  try {
    const u = new URL(url);
    if (u.hostname !== 'avatars.githubusercontent.com') return url;
    u.searchParams.set('s', String(px * 2));
    return u.toString();
  } catch {
    return url;
  }
}
