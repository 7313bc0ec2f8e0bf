import { importForm } from '@/lib/admin/forms/operations';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { methodRouter } from '@/lib/http/method-router';

export const config = { api: { bodyParser: false } };

export default methodRouter({ POST: importForm }, { bodyLimit: '8kb', hooks: [rateLimitHook] });
