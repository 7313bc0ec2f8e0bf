import { versionedMethodRouter } from '@/lib/http/method-router';
import { splitTrailingSegment } from '@/lib/http/resource';
import { deleteReleaseHandler, getReactions, getRelease, patchRelease, postReaction, putRelease } from '@/lib/releases/handlers';

export const config = { api: { bodyParser: false } };

const release = versionedMethodRouter({ GET: getRelease, PUT: putRelease, PATCH: patchRelease, DELETE: deleteReleaseHandler }, { bodyLimit: '1mb' });
const reactions = versionedMethodRouter({ GET: getReactions, POST: postReaction }, { bodyLimit: '4kb' });

// `…/releases/{tag}/reactions` (a trailing raw `reactions` segment) is the reactions sub-resource;
// a tag that itself ends in `/reactions` is addressed with its slashes percent-encoded.
export default splitTrailingSegment('tag', 'reactions', reactions, release);
