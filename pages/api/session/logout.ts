import { postLogout } from '@/lib/admin/login';
import { methodRouter } from '@/lib/http/method-router';

export const config = { api: { bodyParser: false } };

export default methodRouter({ POST: postLogout }, { bodyLimit: '8kb' });
