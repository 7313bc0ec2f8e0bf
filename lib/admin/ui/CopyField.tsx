import { useEffect, useRef, useState } from 'react';

async function copy(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

/**
 * A value to paste somewhere else (GitHub's settings, a CI secret): a read-only field that selects
 * itself on focus, and a Copy button once scripts run (without them the field is still selectable).
 */
export function CopyField({ id, label, value, hint }: { id: string; label: string; value: string; hint?: string }) {
  const [ready, setReady] = useState(false);
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setReady(true), []);
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input
          id={id}
          ref={input}
          className="mono"
          readOnly
          value={value}
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        {ready ? (
          <button type="button" className="button secondary" data-copy={id} onClick={async () => setState((await copy(value, input.current)) ? 'copied' : 'failed')}>
            {state === 'copied' ? 'Copied' : 'Copy'}
          </button>
        ) : null}
      </div>
      <span className="sr-only" aria-live="polite">
        {state === 'copied' ? `${label} copied` : state === 'failed' ? 'Copying failed: select the text and copy it' : ''}
      </span>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
