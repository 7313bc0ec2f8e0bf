import { postSignInLink } from '@/lib/admin/login';
import { methodRouter } from '@/lib/http/method-router';

export const config = { api: { bodyParser: false } };

/** `npm start` asks for the first-start sign-in link here (see lib/auth/sign-in-link). */
export default methodRouter({ POST: postSignInLink }, { bodyLimit: '1kb' });
