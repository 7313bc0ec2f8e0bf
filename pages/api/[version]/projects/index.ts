import { apiRoute } from '@/lib/http/api-route';
import { listProjectsHandler, postProject } from '@/lib/projects/handlers';

export const config = { api: { bodyParser: false } };

export default apiRoute({ GET: listProjectsHandler, POST: postProject }, { bodyLimit: '64kb' });
