import { getFeed } from '@/lib/feed/handler';
import { route } from '@/lib/http/route';

export const config = { api: { bodyParser: false } };

export default route({ GET: getFeed });
