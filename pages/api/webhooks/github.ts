import { postGitHubWebhook } from '@/lib/github/webhook';
import { withRefusalLog } from '@/lib/github/refusals';
import { route } from '@/lib/http/route';
import { onVercel, VERCEL_BODY_LIMIT, VERCEL_BODY_NOTE } from '@/lib/http/vercel';

// GitHub signs the raw bytes: the toolkit reads them itself (raw-body, 25 MB like GitHub's own cap;
// on Vercel, the platform's 4.5 MB, answered 413 problem+json that says why).
export const config = { api: { bodyParser: false } };

// Refused (unverified) deliveries are kept in a small record the console shows (lib/github/refusals).
export default route(
  { POST: withRefusalLog(postGitHubWebhook) },
  onVercel() ? { bodyLimit: VERCEL_BODY_LIMIT, bodyLimitNote: VERCEL_BODY_NOTE } : { bodyLimit: '25mb' },
);
