import Link from 'next/link';
import { projectPagePath } from '../paths';
import { formatDate } from './format';

export interface CardProject {
  owner: string;
  repo: string;
  fullName: string;
  name: string;
  description: string | null;
  releaseCount: number;
  /** Its newest release that is not a prerelease, else its newest prerelease (home). */
  latest: { tag: string; publishedAt: string; prerelease?: boolean } | null;
}

/** A project in a grid (home, owner pages): name, repository, description, latest version and count. */
export function ProjectCard({ project: p, headingLevel }: { project: CardProject; headingLevel: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <li className="card" data-project={p.fullName}>
      <Heading className="card-title">
        <Link href={projectPagePath(p.owner, p.repo)}>{p.name}</Link>
      </Heading>
      <p className="full-name">{p.fullName}</p>
      {p.description ? <p className="card-description">{p.description}</p> : null}
      <p className="card-foot">
        {p.latest ? (
          <>
            {p.latest.prerelease ? <span className="badge badge-pre">Pre-release</span> : <span className="badge badge-latest">Latest</span>}{' '}
            <span className="tag">{p.latest.tag}</span>{' '}
            <time dateTime={p.latest.publishedAt} className="muted">
              {formatDate(p.latest.publishedAt)}
            </time>
          </>
        ) : (
          <span className="muted">No releases yet</span>
        )}
        <span className="muted card-count">
          {p.releaseCount} release{p.releaseCount === 1 ? '' : 's'}
        </span>
      </p>
    </li>
  );
}
