import { mount } from '@/lib/http/mount';
import { revokeToken } from '@/lib/tokens/operations';

export const config = { api: { bodyParser: false } };

export default mount(revokeToken);
