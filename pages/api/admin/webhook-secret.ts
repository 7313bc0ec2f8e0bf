import { rotateSecretForm } from '@/lib/admin/forms/projects';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { route } from '@/lib/http/route';

export const config = { api: { bodyParser: false } };

export default route({ POST: rotateSecretForm }, { bodyLimit: '8kb', hooks: [rateLimitHook] });
