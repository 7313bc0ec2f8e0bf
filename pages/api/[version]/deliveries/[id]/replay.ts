import { replayDeliveryOperation } from '@/lib/github/delivery-operations';
import { mount } from '@/lib/http/mount';

export const config = { api: { bodyParser: false } };

export default mount(replayDeliveryOperation);
