import { importChangelogOperation } from '@/lib/changelog/operations';
import { mount } from '@/lib/http/mount';

export const config = { api: { bodyParser: false } };

export default mount(importChangelogOperation);
