import { mount } from '@/lib/http/mount';
import { listProjectPackages } from '@/lib/releases/package-operations';

export const config = { api: { bodyParser: false } };

export default mount(listProjectPackages);
