import { mount } from '@/lib/http/mount';
import { releaseRoutes } from '@/lib/releases/operations';

// A predefined route: it wins over the [...tag] catch-all.
export const config = { api: { bodyParser: false } };

export default mount(...releaseRoutes.latest);
