import Link from 'next/link';
import type { ShownRelease } from '../paths';
import { avatarAt, dateParts, formatDate, releaseTitle, titleSaysTag } from './format';

const AVATAR_PX = 20;

/**
 * One release: its date in the timeline's column (wide screens), its title (the tag under it only when
 * the title does not already say it), badges, author, and the sanitized notes.
 */
export function ReleaseArticle({
  release,
  headingLevel = 2,
  linkTitle = true,
  latest = false,
}: {
  release: ShownRelease;
  headingLevel?: 1 | 2;
  linkTitle?: boolean;
  latest?: boolean;
}) {
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  const title = releaseTitle(release);
  const { dayMonth, year } = dateParts(release.publishedAt);
  return (
    <article className="release" id={`release-${release.tag}`} data-tag={release.tag} data-prerelease={release.prerelease ? 'true' : undefined}>
      <p className="release-when" aria-hidden="true">
        <span className="release-day">{dayMonth}</span>
        <span className="release-year">{year}</span>
      </p>
      <div className="release-body">
        <header className="release-header">
          <Heading className="release-title">{linkTitle ? <Link href={release.path}>{title}</Link> : title}</Heading>
          <p className="release-meta">
            {titleSaysTag(release) ? null : <span className="tag">{release.tag}</span>}
            {latest ? <span className="badge badge-latest">Latest</span> : null}
            {release.prerelease ? <span className="badge badge-pre">Pre-release</span> : null}
            <time dateTime={release.publishedAt}>{formatDate(release.publishedAt)}</time>
            {release.author ? (
              <span className="author">
                {release.author.avatarUrl ? (
                  // Decorative (empty alt): the author's login follows it.
                  <img className="avatar" src={avatarAt(release.author.avatarUrl, AVATAR_PX)} width={AVATAR_PX} height={AVATAR_PX} alt="" loading="lazy" decoding="async" />
                ) : null}
                {release.author.url ? (
                  <a href={release.author.url} rel="noopener noreferrer">
                    {release.author.login}
                  </a>
                ) : (
                  release.author.login
                )}
              </span>
            ) : null}
            {release.url ? (
              <a href={release.url} rel="noopener noreferrer" className="on-github">
                View on GitHub
              </a>
            ) : null}
          </p>
        </header>
        {/* Rendered and sanitized once, when the release was stored (lib/markdown). Without `html` (a page's
            inline props leave it out, lib/site/inline-props.ts) the server's markup stays as hydrated. */}
        <div className="notes markdown-body" dangerouslySetInnerHTML={{ __html: release.html ?? '' }} suppressHydrationWarning />
      </div>
    </article>
  );
}
