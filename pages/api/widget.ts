import { route } from '@/lib/http/route';
import { getWidget } from '@/lib/widget/handler';

export const config = { api: { bodyParser: false } };

export default route({ GET: getWidget });
