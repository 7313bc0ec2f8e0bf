import { mount, mountWithSubresource } from '@/lib/http/mount';
import { releaseRoutes } from '@/lib/releases/operations';

export const config = { api: { bodyParser: false } };

// `…/releases/{tag}/reactions` (a trailing raw `reactions` segment) is the reactions sub-resource;
// a tag that itself ends in `/reactions` is addressed with its slashes percent-encoded.
export default mountWithSubresource('tag', 'reactions', mount(...releaseRoutes.reactions), mount(...releaseRoutes.item));
