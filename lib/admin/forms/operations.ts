import { getDb } from '../../db';
import { replayDelivery } from '../../github/process-delivery';
import { startImportFromRequest } from '../../github/import-runner';
import { ApiError } from '../../http/errors';
import { requireProject } from '../../projects/repo';
import { field, formHandler } from '../form-endpoint';
import { deliveryAdminPath, importsAdminPath, splitFullName } from '../paths';

function deliveryIdOf(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw ApiError.notFound(`There is no delivery ${raw}.`);
  return Number(raw);
}

/** POST /api/admin/replay: runs a stored delivery again (the same code path as POST /deliveries/{id}/replay). */
export const replayForm = formHandler({
  scope: 'admin',
  back: (form) => (/^\d{1,9}$/.test(field(form, 'id')) ? deliveryAdminPath(Number(field(form, 'id'))) : '/admin/deliveries'),
  async handle({ form }) {
    const id = deliveryIdOf(field(form, 'id'));
    const result = await replayDelivery(id);
    const to = field(form, 'return') === 'list' ? '/admin/deliveries' : deliveryAdminPath(id);
    if (result.status === 'failed') {
      return { to, flash: { kind: 'error', message: `Replayed delivery ${id}: it failed again (${result.error?.detail ?? result.error?.title ?? 'error'}).` } };
    }
    return { to, flash: { kind: 'success', message: `Replayed delivery ${id}: ${result.status} (${result.outcome}).` } };
  },
});

/** POST /api/admin/imports: starts (or resumes) a project's backfill from GitHub, then watches it. */
export const importForm = formHandler({
  scope: 'write',
  back: (form) => importsAdminPath(field(form, 'project') || undefined),
  async handle({ form }) {
    const p = splitFullName(field(form, 'project'));
    if (!p) throw ApiError.validation('Choose a project to import.', [{ pointer: '/project', detail: 'choose a project' }]);
    const project = await requireProject(await getDb(), p.owner, p.repo, { seeAll: true });
    const { row, resumed } = await startImportFromRequest(project);
    const name = `${project.owner}/${project.repo}`;
    return {
      to: importsAdminPath(name, row.id),
      flash: { kind: 'info', message: resumed ? `Resumed the unfinished import of ${name}.` : `Started importing ${name} from GitHub.` },
    };
  },
});
