import { versionedMethodRouter } from '@/lib/http/method-router';
import { listProjectsHandler, postProject } from '@/lib/projects/handlers';

export const config = { api: { bodyParser: false } };

export default versionedMethodRouter({ GET: listProjectsHandler, POST: postProject }, { bodyLimit: '64kb' });
