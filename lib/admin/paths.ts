/** Console URLs (pure: used by pages, components and form endpoints alike). */

export interface ProjectName {
  owner: string;
  repo: string;
}

/** `owner/repo` → parts, or undefined when it is not one. */
export function splitFullName(value: string): ProjectName | undefined {
  const m = /^([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})$/.exec(value.trim());
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}

export const projectAdminPath = (p: ProjectName) => `/admin/projects/${encodeURIComponent(p.owner)}/${encodeURIComponent(p.repo)}`;

/** The release editor: a new release without a tag, an existing one by tag (tags may hold `/` and `@`). */
export const editorPath = (p: ProjectName, tag?: string) => `${projectAdminPath(p)}/release${tag ? `?tag=${encodeURIComponent(tag)}` : ''}`;

export const deliveryAdminPath = (id: number) => `/admin/deliveries/${id}`;

export function importsAdminPath(project?: string, importId?: number): string {
  const q = new URLSearchParams();
  if (project) q.set('project', project);
  if (importId !== undefined) q.set('import', String(importId));
  const s = q.toString();
  return s ? `/admin/imports?${s}` : '/admin/imports';
}

/** REST paths the console's scripts call (same API as every other client). */
export const apiProjectPath = (p: ProjectName) => `/api/v2/projects/${encodeURIComponent(p.owner)}/${encodeURIComponent(p.repo)}`;
export const apiReleasePath = (p: ProjectName, tag: string) => `${apiProjectPath(p)}/releases/${encodeURIComponent(tag)}`;
