import { apiRoute } from '@/lib/http/api-route';
import { listTokens, postToken } from '@/lib/tokens/handlers';

export const config = { api: { bodyParser: false } };

export default apiRoute({ GET: listTokens, POST: postToken }, { bodyLimit: '8kb' });
