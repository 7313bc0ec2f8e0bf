import { apiRoute } from '@/lib/http/api-route';
import { listAllReleases } from '@/lib/releases/handlers';

export const config = { api: { bodyParser: false } };

export default apiRoute({ GET: listAllReleases });
