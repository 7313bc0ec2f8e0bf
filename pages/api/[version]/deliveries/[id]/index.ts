import { getDelivery } from '@/lib/github/deliveries';
import { apiRoute } from '@/lib/http/api-route';

export const config = { api: { bodyParser: false } };

export default apiRoute({ GET: getDelivery });
