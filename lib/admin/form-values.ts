// Reading urlencoded form values (pure: pages and form endpoints alike).

export type FormValues = Record<string, string | string[]>;

/** A single value of a form field ('' when missing; the first of repeated ones). */
export function field(form: FormValues, name: string): string {
  const v = form[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

/** Every value of a repeated field (checkbox groups). */
export function fields(form: FormValues, name: string): string[] {
  const v = form[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A checkbox: present and not "off"/"false". */
export function checked(form: FormValues, name: string): boolean {
  const v = field(form, name);
  return v !== '' && v !== 'off' && v !== 'false' && v !== '0';
}

/** `2026-01-02T03:04[:05]` (a datetime-local value, read as UTC) → ISO; '' → null; anything else as typed (validation says what is wrong). */
export function publishedAtFromForm(value: string): string | null {
  const v = value.trim();
  if (!v) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d{1,3})?)?$/.exec(v);
  if (!m) return v;
  const d = new Date(`${m[1]}T${m[2]}${m[3] ?? ':00'}Z`);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

/** An ISO time as a datetime-local value in UTC (`YYYY-MM-DDTHH:MM:SS`); '' for none. */
export function localFromIso(iso: string | null | undefined): string {
  return iso ? new Date(iso).toISOString().slice(0, 19) : '';
}
