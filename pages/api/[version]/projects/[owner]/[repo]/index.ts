import { mount } from '@/lib/http/mount';
import { deleteProjectOperation, getProject, replaceProject, updateProjectOperation } from '@/lib/projects/operations';

export const config = { api: { bodyParser: false } };

export default mount(getProject, replaceProject, updateProjectOperation, deleteProjectOperation);
