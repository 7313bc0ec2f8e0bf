import { tokenForm } from '@/lib/admin/forms/tokens';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { methodRouter } from '@/lib/http/method-router';

export const config = { api: { bodyParser: false } };

export default methodRouter({ POST: tokenForm }, { bodyLimit: '8kb', hooks: [rateLimitHook] });
