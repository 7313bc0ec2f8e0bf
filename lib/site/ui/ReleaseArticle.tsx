import Link from 'next/link';
import type { PageRelease } from '../paths';
import { formatDate } from './format';

/** One release: version, date, prerelease badge, the sanitized notes, links. */
export function ReleaseArticle({ release, headingLevel = 2, linkTitle = true }: { release: PageRelease; headingLevel?: 1 | 2; linkTitle?: boolean }) {
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  const title = release.name && release.name !== release.tag ? release.name : release.tag;
  return (
    <article className="release" id={`release-${release.tag}`} data-tag={release.tag}>
      <header className="release-header">
        <Heading className="release-title">{linkTitle ? <Link href={release.path}>{title}</Link> : title}</Heading>
        <p className="release-meta">
          <span className="tag">{release.tag}</span>
          {release.prerelease ? <span className="badge">Pre-release</span> : null}
          <time dateTime={release.publishedAt}>{formatDate(release.publishedAt)}</time>
          {release.author ? <span className="muted">by {release.author.login}</span> : null}
          {release.url ? (
            <a href={release.url} rel="noopener noreferrer">
              View on GitHub
            </a>
          ) : null}
        </p>
      </header>
      {/* Rendered and sanitized once, when the release was stored (lib/markdown.ts). */}
      <div className="notes markdown-body" dangerouslySetInnerHTML={{ __html: release.html }} />
    </article>
  );
}
