import { apiRoute } from '@/lib/http/api-route';
import { deleteProjectHandler, getProject, patchProject, putProject } from '@/lib/projects/handlers';

export const config = { api: { bodyParser: false } };

export default apiRoute({ GET: getProject, PUT: putProject, PATCH: patchProject, DELETE: deleteProjectHandler }, { bodyLimit: '64kb' });
