import { listDeliveriesV1, listDeliveriesV2 } from '@/lib/github/delivery-operations';
import { mount } from '@/lib/http/mount';

export const config = { api: { bodyParser: false } };

export default mount(listDeliveriesV1, listDeliveriesV2);
