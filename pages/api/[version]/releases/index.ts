import { versionedMethodRouter } from '@/lib/http/method-router';
import { listAllReleases } from '@/lib/releases/handlers';

export const config = { api: { bodyParser: false } };

export default versionedMethodRouter({ GET: listAllReleases });
