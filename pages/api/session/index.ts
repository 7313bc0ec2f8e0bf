import { postSession } from '@/lib/admin/login';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { methodRouter } from '@/lib/http/method-router';

export const config = { api: { bodyParser: false } };

/** Console sign-in: a form post with a token → session cookie → 303 to the console. */
export default methodRouter({ POST: postSession }, { bodyLimit: '8kb', hooks: [rateLimitHook] });
