import { listProjectImports, startImport } from '@/lib/github/import-operations';
import { mount } from '@/lib/http/mount';

export const config = { api: { bodyParser: false } };

export default mount(listProjectImports, startImport);
