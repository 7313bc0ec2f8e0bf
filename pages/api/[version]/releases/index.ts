import { mount } from '@/lib/http/mount';
import { releaseRoutes } from '@/lib/releases/operations';

export const config = { api: { bodyParser: false } };

export default mount(...releaseRoutes.all);
