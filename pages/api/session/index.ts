import { postSession } from '@/lib/admin/login';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { route } from '@/lib/http/route';

export const config = { api: { bodyParser: false } };

/** Console sign-in: a form post with a token → session cookie → 303 to the console. */
export default route({ POST: postSession }, { bodyLimit: '8kb', hooks: [rateLimitHook] });
