import { useEffect, useState } from 'react';
import type { PageRelease, ShownRelease } from '../paths';

export interface LiveEvent {
  type: 'release.published' | 'release.updated' | 'release.deleted';
  project: string;
  tag: string;
  /** The tag the release was shown under before an edit renamed it. */
  previousTag?: string;
  release: PageRelease | null;
}

/**
 * Subscribes to the live stream (Server-Sent Events) and keeps a list of releases current without a
 * reload: new releases appear on top, edits replace, deletions disappear. EventSource reconnects by
 * itself and resumes with Last-Event-ID, so nothing published while it was away is lost.
 */
export function useLiveReleases(initial: ShownRelease[], project?: string, options: { onlyNew?: boolean } = {}): { releases: ShownRelease[]; connected: boolean } {
  const [releases, setReleases] = useState(initial);
  const [connected, setConnected] = useState(false);
  useEffect(() => setReleases(initial), [initial]);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const url = `/api/v2/stream${project ? `?project=${encodeURIComponent(project)}` : ''}`;
    const source = new EventSource(url);
    const apply = (raw: MessageEvent<string>) => {
      const event = JSON.parse(raw.data) as LiveEvent;
      setReleases((current) => {
        // The same release: its tag within its project (another project may have the same tag).
        const rest = current.filter((r) => !(r.project === event.project && (r.tag === event.tag || r.tag === event.previousTag)));
        if (event.type === 'release.deleted' || !event.release) return rest;
        if (event.type === 'release.updated' && rest.length === current.length && options.onlyNew) return current;
        const updated: ShownRelease = { ...event.release, project: event.project };
        return [updated, ...rest].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
      });
    };
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    for (const type of ['release.published', 'release.updated', 'release.deleted']) source.addEventListener(type, apply as EventListener);
    return () => source.close();
  }, [project, options.onlyNew]);
  return { releases, connected };
}
