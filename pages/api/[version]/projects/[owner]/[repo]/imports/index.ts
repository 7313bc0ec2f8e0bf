import { getImports, postImport } from '@/lib/github/import-handlers';
import { apiRoute } from '@/lib/http/api-route';

export const config = { api: { bodyParser: false } };

export default apiRoute({ GET: getImports, POST: postImport });
