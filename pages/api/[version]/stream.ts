import { getStream } from '@/lib/events/sse';
import { apiRoute } from '@/lib/http/api-route';

// A long-lived response: no body parsing, no response-size warning, not resolved by Next.
export const config = { api: { bodyParser: false, responseLimit: false, externalResolver: true } };

export default apiRoute({ GET: getStream });
