import Link from 'next/link';
import type { PageRelease } from '../paths';
import { formatDate } from './format';

/** The "Recent releases" list across projects (home page, owner pages): tag, project, name, date. */
export function RecentReleases({ releases }: { releases: PageRelease[] }) {
  return (
    <ol className="release-list">
      {releases.map((r) => (
        <li key={`${r.project}@${r.tag}`} data-tag={r.tag} data-project={r.project}>
          <Link href={r.path} className="tag">
            {r.tag}
          </Link>{' '}
          <span className="muted">{r.project}</span>
          {r.name && r.name !== r.tag ? <span> — {r.name}</span> : null}
          {r.prerelease ? <span className="badge">Pre-release</span> : null}{' '}
          <time dateTime={r.publishedAt} className="muted">
            {formatDate(r.publishedAt)}
          </time>
        </li>
      ))}
    </ol>
  );
}
