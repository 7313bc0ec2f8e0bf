import { z } from 'zod';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../http/collection';
import { REPRESENTATIONS } from '../http/negotiate';
import { Owner, Repo } from '../projects/schema';

/**
 * Path parameters several operations share, documented once (components/parameters): use them as the
 * members of an operation's `params` (`params: z.object({ owner: ownerParam, repo: repoParam })`).
 * A value that fails the schema is a 404 (no resource can be at such a path).
 */
export const ownerParam = Owner.meta({ param: { id: 'owner', in: 'path', name: 'owner', description: 'The GitHub owner (user or organisation) of the project.' } });
export const repoParam = Repo.meta({ param: { id: 'repo', in: 'path', name: 'repo', description: 'The GitHub repository name of the project.' } });

/**
 * Request headers several operations read, documented once: use them as members of an operation's
 * `headers` (`headers: z.object({ 'If-Match': ifMatchHeader })`).
 */
export const ifMatchHeader = z
  .string()
  .optional()
  .meta({
    param: {
      id: 'If-Match',
      in: 'header',
      name: 'If-Match',
      description: 'The ETag you read (or `*`): the write only happens if the resource is unchanged since, else 412. Makes lost updates impossible.',
      example: '"v3-Qm9vS2V5ZXhhbXBsZTEy"',
    },
  });

export const preferCountHeader = z
  .string()
  .optional()
  .meta({
    param: {
      id: 'Prefer',
      in: 'header',
      name: 'Prefer',
      description: 'v2 lists: `count=exact` adds `meta.total` (and `Preference-Applied: count=exact`).',
      example: 'count=exact',
    },
  });

export const lastEventIdHeader = z
  .string()
  .optional()
  .meta({
    param: {
      id: 'Last-Event-ID',
      in: 'header',
      name: 'Last-Event-ID',
      description:
        'The id of the last event you received: the events after it are sent first, then the stream goes live, with nothing repeated. `EventSource` sends it by itself when it reconnects. Anything but digits is ignored.',
      example: '1042',
    },
  });

// --- query parameters ---------------------------------------------------------------------------

type QueryExtra = { example?: unknown; examples?: Record<string, { value: unknown; summary?: string }> };

/** An optional query parameter, documented once under `id` (components/parameters). */
export function queryParam<T extends z.ZodType>(id: string, name: string, schema: T, description: string, extra: QueryExtra = {}) {
  return schema.optional().meta({ param: { id, in: 'query', name, description, ...extra } });
}

/** `sort_by`: comma-separated keys, each optionally `.asc` or `.desc`. */
export function sortByParam(id: string, keys: readonly string[], defaultSort: string) {
  const key = `(?:${keys.join('|')})(?:\\.(?:asc|desc))?`;
  return queryParam(
    id,
    'sort_by',
    z.string().regex(new RegExp(`^${key}(?:,${key})*$`)),
    `Sort keys, comma separated, each optionally \`.asc\` (the default direction) or \`.desc\`. Keys: ${keys.map((k) => `\`${k}\``).join(', ')}. Default: \`${defaultSort}\`. Ties break on the id.`,
    { example: `${keys[0]}.desc,${keys[1]}.asc` },
  );
}

/** `fields`: a sparse fieldset of these top-level members. */
export function fieldsParam(id: string, names: readonly string[]) {
  return queryParam(
    id,
    'fields',
    z.string(),
    // No example: API consoles (RapiDoc) fill a parameter with its example, and "Try" would send a sparse fieldset.
    `Sparse fieldset: top-level members to keep, comma separated (unknown names → 400), e.g. \`${names.slice(0, 3).join(',')}\`. Known: ${names.map((n) => `\`${n}\``).join(', ')}.`,
  );
}

export const offsetParam = queryParam('offset', 'offset', z.number().int().min(0).max(1_000_000).default(0), 'Items to skip (0-based). Not combinable with `cursor`.');
export const limitParam = queryParam('limit', 'limit', z.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT), `Page size, 1 to ${MAX_LIMIT}.`);
export const cursorParam = queryParam(
  'cursor',
  'cursor',
  z.string(),
  'v2: an opaque cursor from `links.next` / `links.prev` of a previous page. Only valid with the same `sort_by`; not combinable with `offset`.',
);
/** A date filter: an ISO 8601 date or date-time. */
export const dayValue = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** `project`: some projects only, `owner/repo` comma separated. */
export const projectsQueryParam = queryParam(
  'project',
  'project',
  z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+(?:,[A-Za-z0-9-]+\/[A-Za-z0-9._-]+)*$/),
  'Only these projects: `owner/repo`, comma separated.',
  { example: 'acme/rocket,acme/ui' },
);

/** `representation`: the view of a negotiated read or write (wins over the vendor type in Accept). */
export const representationParam = queryParam(
  'representation',
  'representation',
  z.enum(REPRESENTATIONS),
  'The view: `full` (default), `brief` or `extended`. Wins over the vendor media type in `Accept`.',
);
