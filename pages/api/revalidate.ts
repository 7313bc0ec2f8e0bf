import { mount } from '@/lib/http/mount';
import { revalidatePages } from '@/lib/site/revalidate-operation';

export const config = { api: { bodyParser: false } };

export default mount(revalidatePages);
