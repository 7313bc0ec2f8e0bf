import { receiveGitHubWebhook } from '@/lib/github/webhook-operation';
import { mount } from '@/lib/http/mount';

// GitHub signs the raw bytes: the operation reads them itself (no body parser).
export const config = { api: { bodyParser: false } };

export default mount(receiveGitHubWebhook);
