import { versionedMethodRouter } from '@/lib/http/method-router';
import { getLatestRelease } from '@/lib/releases/handlers';

// A predefined route: it wins over the [...tag] catch-all.
export const config = { api: { bodyParser: false } };

export default versionedMethodRouter({ GET: getLatestRelease });
