import { getFeed } from '@/lib/feed/handler';
import { methodRouter } from '@/lib/http/method-router';

export const config = { api: { bodyParser: false } };

export default methodRouter({ GET: getFeed });
