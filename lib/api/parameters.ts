import { Owner, Repo } from '../projects/schema';

/**
 * Path parameters several operations share, documented once (components/parameters): use them as the
 * members of an operation's `params` (`params: z.object({ owner: ownerParam, repo: repoParam })`).
 * A value that fails the schema is a 404 (no resource can be at such a path).
 */
export const ownerParam = Owner.meta({ param: { id: 'owner', in: 'path', name: 'owner', description: 'The GitHub owner (user or organisation) of the project.' } });
export const repoParam = Repo.meta({ param: { id: 'repo', in: 'path', name: 'repo', description: 'The GitHub repository name of the project.' } });
