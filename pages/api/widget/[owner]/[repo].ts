import { mount } from '@/lib/http/mount';
import { getWidgetReleases } from '@/lib/widget/operations';

export const config = { api: { bodyParser: false } };

export default mount(getWidgetReleases);
