import { useId } from 'react';
import { SEARCH_MAX } from '../../search/limits';

/**
 * The release search form: a plain GET form (works without JavaScript) to `/search`, or to a
 * project's `/{owner}/{repo}/search` when `project` is given. Place it in any header.
 */
export function SearchForm({
  q = '',
  project,
  label,
  autoFocus = false,
}: {
  q?: string;
  project?: { owner: string; repo: string; name?: string };
  label?: string;
  autoFocus?: boolean;
}) {
  const id = useId();
  const action = project ? `/${project.owner}/${project.repo}/search` : '/search';
  const text = label ?? (project ? `Search ${project.name ?? `${project.owner}/${project.repo}`} releases` : 'Search all releases');
  return (
    <form role="search" action={action} method="get" className="search-form">
      <label htmlFor={id}>{text}</label>
      <span className="search-row">
        <input id={id} type="search" name="q" defaultValue={q} maxLength={SEARCH_MAX} placeholder="e.g. cold start, 1.4, -beta" autoFocus={autoFocus} />
        <button type="submit">Search</button>
      </span>
    </form>
  );
}
