import { methodRouter } from '@/lib/http/method-router';
import { getWidget } from '@/lib/widget/handler';

export const config = { api: { bodyParser: false } };

export default methodRouter({ GET: getWidget });
