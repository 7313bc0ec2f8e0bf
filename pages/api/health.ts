import { getHealth } from '@/lib/health';
import { route } from '@/lib/http/route';

export const config = { api: { bodyParser: false } };

export default route({ GET: getHealth });
