import { postGitHubWebhook } from '@/lib/github/webhook';
import { route } from '@/lib/http/route';

// GitHub signs the raw bytes: the toolkit reads them itself (raw-body, 25 MB like GitHub's own cap).
export const config = { api: { bodyParser: false } };

export default route({ POST: postGitHubWebhook }, { bodyLimit: '25mb' });
