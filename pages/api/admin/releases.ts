import { releaseForm } from '@/lib/admin/forms/releases';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { methodRouter } from '@/lib/http/method-router';

export const config = { api: { bodyParser: false } };

/** The release editor without JavaScript: save, preview, hide, unhide, delete → 303 back. */
export default methodRouter({ POST: releaseForm }, { bodyLimit: '2mb', hooks: [rateLimitHook] });
