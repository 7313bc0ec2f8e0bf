import { route } from '@/lib/http/route';
import { getOpenApi } from '@/lib/openapi/handler';

export const config = { api: { bodyParser: false } };

export default route({ GET: getOpenApi });
