import { apiRoute } from '@/lib/http/api-route';
import { bulkPatchReleases, listProjectReleases, postRelease } from '@/lib/releases/handlers';

export const config = { api: { bodyParser: false } };

export default apiRoute({ GET: listProjectReleases, POST: postRelease, PATCH: bulkPatchReleases }, { bodyLimit: '1mb' });
