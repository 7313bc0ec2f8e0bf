import { apiRoute } from '@/lib/http/api-route';
import { deleteToken } from '@/lib/tokens/handlers';

export const config = { api: { bodyParser: false } };

export default apiRoute({ DELETE: deleteToken });
