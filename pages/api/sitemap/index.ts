import { getSitemap } from '@/lib/site/sitemap-operations';
import { mount } from '@/lib/http/mount';

export const config = { api: { bodyParser: false } };

// Also /sitemap.xml (a rewrite in next.config.js).
export default mount(getSitemap);
