import { postGitHubWebhook } from '@/lib/github/webhook';
import { withRefusalLog } from '@/lib/github/refusals';
import { route } from '@/lib/http/route';

// GitHub signs the raw bytes: the toolkit reads them itself (raw-body, 25 MB like GitHub's own cap).
export const config = { api: { bodyParser: false } };

// Refused (unverified) deliveries are kept in a small record the console shows (lib/github/refusals).
export default route({ POST: withRefusalLog(postGitHubWebhook) }, { bodyLimit: '25mb' });
