import { mount } from '@/lib/http/mount';
import { releaseRoutes } from '@/lib/releases/operations';

// Streamed: no body parsing, and no response-size warning for a 100,000-release export.
export const config = { api: { bodyParser: false, responseLimit: false } };

export default mount(...releaseRoutes.changelog);
