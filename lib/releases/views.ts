import { z } from 'zod';
import { envelope } from '../http/schemas';
import type { ApiVersion } from '../http/api-versions';
import { ProjectBrief } from '../projects/schema';
import { SearchMatch } from '../search';
import { ReleaseBrief, ReleaseV1, ReleaseV2 } from './schema';

/**
 * The views of a release as named schemas, one per view and version: what the OpenAPI document
 * names for each media type (`application/json` and `…release+json`: full; `…release.brief+json`,
 * `…release.extended+json`; `…release.sparse+json`: a `fields=` selection), and lists of each.
 */

export const ReleaseExtendedV1 = ReleaseV1.extend({
  project: ProjectBrief,
  bodyHtml: z.string().meta({ description: 'Sanitized HTML rendered from `body`.' }),
  previous: ReleaseBrief.nullable().meta({ description: 'The next older release of the project, if any.' }),
  next: ReleaseBrief.nullable().meta({ description: 'The next newer release of the project, if any.' }),
}).meta({ id: 'ReleaseExtendedV1', description: 'A release with everything a page needs: its project, rendered HTML and neighbours.' });

export const ReleaseExtendedV2 = ReleaseV2.extend({
  project: ProjectBrief,
  previous: ReleaseBrief.nullable().meta({ description: 'The next older release of the project, if any.' }),
  next: ReleaseBrief.nullable().meta({ description: 'The next newer release of the project, if any.' }),
}).meta({ id: 'ReleaseExtendedV2', description: 'A release with everything a page needs: its project and neighbours (HTML is in `notes.html`).' });

const SPARSE =
  'A sparse fieldset (`fields=`): only the members named, in the view asked for (any of them may be left out; no others appear). `project` is `owner/repo`, or the project object in the extended view.';
const sparseProject = z.union([z.string().meta({ description: '`owner/repo`', example: 'acme/rocket' }), ProjectBrief]).optional();

export const ReleaseSparseV1 = ReleaseExtendedV1.partial()
  .extend({ project: sparseProject })
  .meta({ id: 'ReleaseSparseV1', description: SPARSE, example: { tag: 'v2.3.0', name: 'v2.3.0 — Faster cold starts' } });
export const ReleaseSparseV2 = ReleaseExtendedV2.partial()
  .extend({ project: sparseProject })
  .meta({ id: 'ReleaseSparseV2', description: SPARSE, example: { tag: 'v2.3.0', name: 'v2.3.0 — Faster cold starts' } });

export interface Views {
  full: z.ZodType;
  brief: z.ZodType;
  extended: z.ZodType;
  /** `fields=`: any subset of the members of the view asked for. */
  sparse: z.ZodType;
}

export const RELEASE_VIEWS: Record<ApiVersion, Views> = {
  '1': { full: ReleaseV1, brief: ReleaseBrief, extended: ReleaseExtendedV1, sparse: ReleaseSparseV1 },
  '2': { full: ReleaseV2, brief: ReleaseBrief, extended: ReleaseExtendedV2, sparse: ReleaseSparseV2 },
};

/**
 * A list item: the view, and `search` when the list was searched (`q=`). Its own component
 * (`<view>Found`), so that single reads never document a member they do not have.
 */
function found<T extends z.ZodObject>(view: T, id: string) {
  return view.extend({ search: SearchMatch.optional() }).meta({ id: `${id}Found`, description: `${id}, with \`search\` when the list was searched (\`q=\`).` });
}

const briefFound = found(ReleaseBrief, 'ReleaseBrief');
const FOUND: Record<ApiVersion, Views> = {
  '1': {
    full: found(ReleaseV1, 'ReleaseV1'),
    brief: briefFound,
    extended: found(ReleaseExtendedV1, 'ReleaseExtendedV1'),
    sparse: found(ReleaseSparseV1, 'ReleaseSparseV1'),
  },
  '2': {
    full: found(ReleaseV2, 'ReleaseV2'),
    brief: briefFound,
    extended: found(ReleaseExtendedV2, 'ReleaseExtendedV2'),
    sparse: found(ReleaseSparseV2, 'ReleaseSparseV2'),
  },
};

/** Lists of each view: v1 a JSON array, v2 the envelope with cursor links. Made once (a component id names one schema). */
export const RELEASE_LIST_VIEWS: Record<ApiVersion, Views> = {
  '1': {
    full: z.array(FOUND['1'].full).meta({ id: 'ReleaseListV1' }),
    brief: z.array(FOUND['1'].brief).meta({ id: 'ReleaseBriefListV1' }),
    extended: z.array(FOUND['1'].extended).meta({ id: 'ReleaseExtendedListV1' }),
    sparse: z.array(FOUND['1'].sparse).meta({ id: 'ReleaseSparseListV1' }),
  },
  '2': {
    full: envelope(FOUND['2'].full, 'ReleaseListV2'),
    brief: envelope(FOUND['2'].brief, 'ReleaseBriefListV2'),
    extended: envelope(FOUND['2'].extended, 'ReleaseExtendedListV2'),
    sparse: envelope(FOUND['2'].sparse, 'ReleaseSparseListV2'),
  },
};
