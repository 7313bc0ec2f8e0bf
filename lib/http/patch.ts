import type { IncomingMessage } from 'node:http';
import { applyPatch, validate as validatePatch, type Operation } from 'fast-json-patch';
import mergePatch from 'json-merge-patch';
import { ApiError } from './errors';
import { readBody } from './body';

export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';
export const ACCEPT_PATCH = `${MERGE_PATCH}, ${JSON_PATCH}`;

export interface Patch {
  type: typeof MERGE_PATCH | typeof JSON_PATCH;
  raw: Buffer;
  /** Applies the patch to a copy of the document (never mutates it). */
  apply<T extends object>(doc: T): Record<string, unknown>;
  /** Top-level members the patch touches. */
  touched: string[];
}

/**
 * Reads a PATCH body: JSON Merge Patch (RFC 7396; null removes) or JSON Patch (RFC 6902).
 * Any other type → 415 with Accept-Patch. A JSON Patch whose `test` fails → 409.
 */
export async function readPatch(req: IncomingMessage): Promise<Patch> {
  const body = await readBody(req, { types: [MERGE_PATCH, JSON_PATCH], unsupportedHeaders: { 'Accept-Patch': ACCEPT_PATCH } });
  if (body.type === MERGE_PATCH) {
    const value = body.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw ApiError.validation('A merge patch for this resource must be a JSON object.', [{ pointer: '', detail: 'must be an object' }]);
    }
    return {
      type: MERGE_PATCH,
      raw: body.raw,
      touched: Object.keys(value),
      // RFC 7396: null removes a member. A resource's writable document always has every member, so
      // a removed (nullable) member becomes null; the PUT schema then says whether null is allowed.
      apply: (doc) => {
        const result = mergePatch.apply(structuredClone(doc), value) as Record<string, unknown>;
        for (const key of Object.keys(doc)) if (!(key in result)) result[key] = null;
        return result;
      },
    };
  }
  const ops = body.value;
  if (!Array.isArray(ops)) {
    throw ApiError.validation('A JSON Patch document must be an array of operations.', [{ pointer: '', detail: 'must be an array' }]);
  }
  const shapeError = validatePatch(ops as Operation[]);
  if (shapeError) {
    const index = typeof shapeError.index === 'number' ? shapeError.index : 0;
    throw ApiError.validation(`JSON Patch operation ${index} is not valid: ${shapeError.message.split('\n')[0]}.`, [
      { pointer: `/${index}`, detail: shapeError.message.split('\n')[0] ?? 'invalid operation' },
    ]);
  }
  return {
    type: JSON_PATCH,
    raw: body.raw,
    touched: [...new Set((ops as Operation[]).map((op) => op.path.split('/')[1] ?? ''))],
    apply: (doc) => {
      try {
        return applyPatch(structuredClone(doc), ops as Operation[], true, false).newDocument as Record<string, unknown>;
      } catch (err) {
        const e = err as { name?: string; index?: number; message: string };
        if (e.name === 'TEST_OPERATION_FAILED') {
          throw new ApiError(409, {
            type: 'patch-test-failed',
            detail: `JSON Patch test operation ${e.index ?? ''} failed: the resource does not hold the tested value.`,
            errors: [{ pointer: `/${e.index ?? 0}`, detail: 'test failed' }],
          });
        }
        throw ApiError.validation(`JSON Patch could not be applied: ${e.message.split('\n')[0]}.`, [
          { pointer: `/${e.index ?? 0}`, detail: e.message.split('\n')[0] ?? 'cannot be applied' },
        ]);
      }
    },
  };
}
