import { rotateSecretForm } from '@/lib/admin/forms/projects';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { methodRouter } from '@/lib/http/method-router';

export const config = { api: { bodyParser: false } };

export default methodRouter({ POST: rotateSecretForm }, { bodyLimit: '8kb', hooks: [rateLimitHook] });
