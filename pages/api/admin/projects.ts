import { addProjectForm } from '@/lib/admin/forms/projects';
import { rateLimitHook } from '@/lib/http/rate-limit';
import { methodRouter } from '@/lib/http/method-router';

export const config = { api: { bodyParser: false } };

export default methodRouter({ POST: addProjectForm }, { bodyLimit: '16kb', hooks: [rateLimitHook] });
