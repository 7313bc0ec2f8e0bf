import { getDelivery } from '@/lib/github/delivery-handlers';
import { apiRoute } from '@/lib/http/api-route';

export const config = { api: { bodyParser: false } };

export default apiRoute({ GET: getDelivery });
