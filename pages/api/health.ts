import { getHealth } from '@/lib/health';
import { mount } from '@/lib/http/mount';

export const config = { api: { bodyParser: false } };

export default mount(getHealth);
