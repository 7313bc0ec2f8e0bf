import { getOwnerFeed, getProjectFeed, getSiteFeed } from '@/lib/feed/feed-operations';
import { mount, mountByDepth } from '@/lib/http/mount';

export const config = { api: { bodyParser: false } };

// /api/feed, /api/feed/{owner}, /api/feed/{owner}/{repo} (and the friendly /…/feed.atom rewrites).
export default mountByDepth('scope', ['owner', 'repo'], [mount(getSiteFeed), mount(getOwnerFeed), mount(getProjectFeed)]);
