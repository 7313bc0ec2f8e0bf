import { getCronDrain } from '@/lib/cron/drain';
import { route } from '@/lib/http/route';

export const config = { api: { bodyParser: false }, maxDuration: 60 };

export default route({ GET: getCronDrain });
