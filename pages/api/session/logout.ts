import { postLogout } from '@/lib/admin/login';
import { route } from '@/lib/http/route';

export const config = { api: { bodyParser: false } };

export default route({ POST: postLogout }, { bodyLimit: '8kb' });
