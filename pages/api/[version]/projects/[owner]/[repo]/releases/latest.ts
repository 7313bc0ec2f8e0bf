import { apiRoute } from '@/lib/http/api-route';
import { getLatestRelease } from '@/lib/releases/handlers';

// A predefined route: it wins over the [...tag] catch-all.
export const config = { api: { bodyParser: false } };

export default apiRoute({ GET: getLatestRelease });
