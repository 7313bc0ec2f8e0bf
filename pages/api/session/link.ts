import { postSignInLink } from '@/lib/admin/login';
import { route } from '@/lib/http/route';

export const config = { api: { bodyParser: false } };

/** `npm start` asks for the first-start sign-in link here (see lib/auth/sign-in-link). */
export default route({ POST: postSignInLink }, { bodyLimit: '1kb' });
