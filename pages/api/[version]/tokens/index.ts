import { mount } from '@/lib/http/mount';
import { createToken, listTokens } from '@/lib/tokens/operations';

export const config = { api: { bodyParser: false } };

export default mount(listTokens, createToken);
