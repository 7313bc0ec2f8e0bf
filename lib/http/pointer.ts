import { ApiError } from './errors';

/** RFC 6901 JSON Pointer for a path. */
export function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The JSON Pointer of the first string (or key) holding a NUL character, if any. PostgreSQL text and jsonb cannot store one. */
export function findNul(value: unknown, path: readonly PropertyKey[] = []): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? pointer(path) : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], [...path, i]);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\0')) return pointer([...path, k]);
      const hit = findNul(v, [...path, k]);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

/** 422 when any string in a parsed body holds a NUL character. */
export function assertNoNul(value: unknown): void {
  const at = findNul(value);
  if (at !== undefined) {
    throw ApiError.validation('The body holds a NUL character (\\u0000), which no value may contain.', [{ pointer: at, detail: 'must not contain NUL characters' }]);
  }
}
