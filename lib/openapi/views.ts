import type { z } from 'zod';
import { sparseType, vendorType } from '../http/negotiate';
import type { Views } from '../releases/views';

export type Resource = 'release' | 'project';

/**
 * The media types of a negotiated response, one schema each, as `negotiate()` answers them:
 * `application/json` and the resource's own vendor type carry the full view, the view types their
 * view, and the sparse type a `fields=` selection. A generated client that reads `application/json`
 * gets the full view with every member required; the other views are theirs by media type.
 * Leave out a view the response never has (`extended` on writes and project lists; `sparse` where
 * `fields=` is not taken). For operation definitions (lib/http/operation.ts).
 */
export function viewSchemas(resource: Resource, views: Pick<Views, 'full' | 'brief'> & Partial<Views>): Record<string, z.ZodType> {
  const content: Record<string, z.ZodType> = {
    'application/json': views.full,
    [vendorType(resource, 'full')]: views.full,
    [vendorType(resource, 'brief')]: views.brief,
  };
  if (views.extended) content[vendorType(resource, 'extended')] = views.extended;
  if (views.sparse) content[sparseType(resource)] = views.sparse;
  return content;
}
