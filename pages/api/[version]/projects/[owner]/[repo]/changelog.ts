import { versionedMethodRouter } from '@/lib/http/method-router';
import { getChangelogExport } from '@/lib/releases/export';

// Streamed: no body parsing, and no response-size warning for a 100,000-release export.
export const config = { api: { bodyParser: false, responseLimit: false } };

export default versionedMethodRouter({ GET: getChangelogExport });
