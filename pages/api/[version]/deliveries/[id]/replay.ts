import { postReplay } from '@/lib/github/delivery-handlers';
import { apiRoute } from '@/lib/http/api-route';

export const config = { api: { bodyParser: false } };

export default apiRoute({ POST: postReplay });
