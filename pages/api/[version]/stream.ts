import { streamEvents } from '@/lib/events/stream-operation';
import { mount } from '@/lib/http/mount';

// A long-lived response: no body parsing, no response-size warning, not resolved by Next. On Vercel it
// may last 300 s (lib/events/sse.ts STREAM_MAX_DURATION_SECONDS); it ends itself 15 s before that and
// clients resume with Last-Event-ID.
export const config = { maxDuration: 300, api: { bodyParser: false, responseLimit: false, externalResolver: true } };

export default mount(streamEvents);
