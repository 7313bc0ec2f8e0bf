import { getSitemapPage } from '@/lib/site/sitemap-operations';
import { mount } from '@/lib/http/mount';

export const config = { api: { bodyParser: false } };

// Also /sitemap-{page}.xml (a rewrite in next.config.js).
export default mount(getSitemapPage);
