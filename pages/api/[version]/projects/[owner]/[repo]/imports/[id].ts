import { getImportHandler } from '@/lib/github/import-handlers';
import { apiRoute } from '@/lib/http/api-route';

export const config = { api: { bodyParser: false } };

export default apiRoute({ GET: getImportHandler });
