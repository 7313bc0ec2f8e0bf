import { replayForm } from '@/lib/admin/forms/operations';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { route } from '@/lib/http/route';

export const config = { api: { bodyParser: false } };

export default route({ POST: replayForm }, { bodyLimit: '8kb', hooks: [rateLimitHook] });
