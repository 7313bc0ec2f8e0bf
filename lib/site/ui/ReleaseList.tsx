import Link from 'next/link';
import type { ShownRelease } from '../paths';
import { formatDate, nameBesideTag } from './format';

/** Releases of several projects, newest first, as a dated list: project, tag, name (without the tag). */
export function ReleaseList({ releases, projectNames }: { releases: ShownRelease[]; projectNames: Map<string, string> }) {
  return (
    <ol className="release-list">
      {releases.map((r) => {
        const name = nameBesideTag(r);
        return (
          <li key={`${r.project}@${r.tag}`} data-tag={r.tag} data-project={r.project}>
            <time dateTime={r.publishedAt} className="release-list-date">
              {formatDate(r.publishedAt)}
            </time>
            <span className="release-list-what">
              <span className="release-list-project">{projectNames.get(r.project) ?? r.project}</span>{' '}
              <Link href={r.path} className="tag">
                {r.tag}
              </Link>
              {r.prerelease ? <span className="badge badge-pre">Pre-release</span> : null}
              {name ? <span className="release-list-name">{name}</span> : null}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
