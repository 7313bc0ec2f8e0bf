import { postPreview } from '@/lib/admin/login';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { methodRouter } from '@/lib/http/method-router';

export const config = { api: { bodyParser: false } };

/** Markdown preview for the release editor: the site's own renderer and sanitizer. */
export default methodRouter({ POST: postPreview }, { bodyLimit: '1mb', hooks: [rateLimitHook] });
