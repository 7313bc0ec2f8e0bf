import { cronDrain } from '@/lib/cron/drain';
import { mount } from '@/lib/http/mount';

export const config = { api: { bodyParser: false }, maxDuration: 60 };

export default mount(cronDrain);
