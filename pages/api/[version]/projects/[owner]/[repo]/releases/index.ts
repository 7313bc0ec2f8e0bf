import { versionedMethodRouter } from '@/lib/http/method-router';
import { bulkPatchReleases, listProjectReleases, postRelease } from '@/lib/releases/handlers';

export const config = { api: { bodyParser: false } };

export default versionedMethodRouter({ GET: listProjectReleases, POST: postRelease, PATCH: bulkPatchReleases }, { bodyLimit: '1mb' });
