import { releaseForm } from '@/lib/admin/forms/releases';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { route } from '@/lib/http/route';

export const config = { api: { bodyParser: false } };

/** The release editor without JavaScript: save, preview, hide, unhide, delete → 303 back. */
export default route({ POST: releaseForm }, { bodyLimit: '2mb', hooks: [rateLimitHook] });
