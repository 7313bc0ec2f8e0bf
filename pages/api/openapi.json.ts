import { getOpenApiDocument } from '@/lib/api/registry';
import { mount } from '@/lib/http/mount';

export const config = { api: { bodyParser: false } };

export default mount(getOpenApiDocument);
