import { mount } from '@/lib/http/mount';
import { createProjectOperation, listProjectsV1, listProjectsV2 } from '@/lib/projects/operations';

export const config = { api: { bodyParser: false } };

export default mount(listProjectsV1, listProjectsV2, createProjectOperation);
