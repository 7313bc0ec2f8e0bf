import { getProjectCard } from '@/lib/site/og-operations';
import { mount } from '@/lib/http/mount';

export const config = { api: { bodyParser: false } };

export default mount(getProjectCard);
