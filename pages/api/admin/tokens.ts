import { tokenForm } from '@/lib/admin/forms/tokens';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { route } from '@/lib/http/route';

export const config = { api: { bodyParser: false } };

export default route({ POST: tokenForm }, { bodyLimit: '8kb', hooks: [rateLimitHook] });
