import { route } from '@/lib/http/route';
import { postRevalidate } from '@/lib/site/revalidate-handler';

export const config = { api: { bodyParser: false } };

export default route({ POST: postRevalidate }, { bodyLimit: '64kb' });
