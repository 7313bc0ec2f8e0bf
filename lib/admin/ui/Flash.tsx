import type { ReactNode } from 'react';
import type { FlashMessage } from '../flash';

/** A flash message: what the last action did, or what went wrong (announced to screen readers). */
export function Flash({ flash, children }: { flash: Pick<FlashMessage, 'kind' | 'message' | 'errors'> | null | undefined; children?: ReactNode }) {
  if (!flash) return null;
  const urgent = flash.kind === 'error' || flash.kind === 'conflict';
  return (
    <div className={`flash flash-${flash.kind}`} role={urgent ? 'alert' : 'status'} data-flash={flash.kind}>
      <p className="flash-message">{flash.message}</p>
      {flash.errors?.length ? (
        <ul className="flash-errors">
          {flash.errors.map((e, i) => (
            <li key={i}>
              {e.field ? <strong>{e.field}</strong> : null} {e.detail}
            </li>
          ))}
        </ul>
      ) : null}
      {children}
    </div>
  );
}

/** The problem for one form field, if any (linked to the input with aria-describedby). */
export function FieldError({ id, errors, field }: { id: string; errors: { field: string; detail: string }[] | undefined; field: string }) {
  const mine = errors?.filter((e) => e.field === field) ?? [];
  if (!mine.length) return null;
  return (
    <p className="field-error" id={id}>
      {mine.map((e) => e.detail).join('; ')}
    </p>
  );
}
