import { z } from 'zod';
import { envelope } from '../http/schemas';
import type { ApiVersion } from '../http/api-versions';
import type { Views } from '../releases/views';
import { Project, ProjectBrief, ProjectExtended } from './schema';

/** The views of a project as named schemas (the same in both versions), and lists of each. */

export const ProjectSparse = ProjectExtended.partial().meta({
  id: 'ProjectSparse',
  description: 'A sparse fieldset (`fields=`): only the members named, in the view asked for (any of them may be left out; no others appear).',
  example: { fullName: 'acme/rocket', releaseCount: 42 },
});

export const PROJECT_VIEWS: Views = { full: Project, brief: ProjectBrief, extended: ProjectExtended, sparse: ProjectSparse };

/** Project lists have no extended items: an extended list is answered as the full one (and typed so). */
export const PROJECT_LIST_VIEWS: Record<ApiVersion, Omit<Views, 'extended'>> = {
  '1': {
    full: z.array(Project).meta({ id: 'ProjectListV1' }),
    brief: z.array(ProjectBrief).meta({ id: 'ProjectBriefListV1' }),
    sparse: z.array(ProjectSparse).meta({ id: 'ProjectSparseListV1' }),
  },
  '2': {
    full: envelope(Project, 'ProjectListV2'),
    brief: envelope(ProjectBrief, 'ProjectBriefListV2'),
    sparse: envelope(ProjectSparse, 'ProjectSparseListV2'),
  },
};
