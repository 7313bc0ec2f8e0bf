import { versionedMethodRouter } from '@/lib/http/method-router';
import { deleteProjectHandler, getProject, patchProject, putProject } from '@/lib/projects/handlers';

export const config = { api: { bodyParser: false } };

export default versionedMethodRouter({ GET: getProject, PUT: putProject, PATCH: patchProject, DELETE: deleteProjectHandler }, { bodyLimit: '64kb' });
