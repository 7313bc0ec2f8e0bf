/**
 * The embeddable "What's new" widget, as it runs in the reader's browser on somebody else's site:
 *
 *   <script src="https://shiplog.example/widget.js" data-project="owner/repo" async></script>
 *
 * Served by lib/widget/handler.ts as `(${widget.toString()})(document.currentScript)`, so this ONE
 * function must be self-contained: no imports, no module-level helpers or constants — everything,
 * CSS included, lives in its body. Keep lines free of multi-line template literals (the handler
 * trims indentation) and keep it small (< 8 KB served).
 *
 * Options (attributes of the script element): data-project (required), data-limit (1–20, default 5),
 * data-position="bottom-left" (default bottom-right). The host element <shiplog-widget> carries
 * data-unread (the badge count once loaded) and data-live ("on" while the live stream is connected).
 */
export function widget(script: HTMLScriptElement | null): void {
  interface Item {
    tag: string;
    name: string | null;
    publishedAt: string;
    prerelease: boolean;
    html: string;
  }
  const attr = (name: string) => (script && script.getAttribute('data-' + name)) || '';
  const project = attr('project').trim();
  if (!script || !/^[\w-]+\/[\w.-]+$/.test(project)) {
    console.warn('[shiplog] widget.js needs data-project="owner/repo" on its <script> tag');
    return;
  }
  const limit = Math.min(20, Math.max(1, parseInt(attr('limit'), 10) || 5));
  const origin = new URL(script.src).origin;
  const key = 'shiplog:last-seen:' + project;
  const d = document;
  const time = (iso: string) => Date.parse(iso) || 0;
  const store = (value?: string) => {
    try {
      return value ? (localStorage.setItem(key, value), value) : localStorage.getItem(key);
    } catch {
      return null; // storage blocked (sandboxed frame, privacy mode): everything counts as unread
    }
  };
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string) => {
    const e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  };

  const host = d.createElement('shiplog-widget');
  const root = host.attachShadow({ mode: 'open' });
  const style = el('style');
  style.textContent =
    '.w{all:initial;position:fixed;bottom:16px;right:16px;z-index:2147483000;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--f);' +
    '--b:#fff;--f:#1f2328;--m:#59636e;--l:#d1d9e0;--c:#f6f8fa;--a:#0969da;--pb:#fff8c5;--pf:#7d4e00}' +
    '@media (prefers-color-scheme:dark){.w{--b:#0d1117;--f:#e6edf3;--m:#9198a1;--l:#3d444d;--c:#151b23;--a:#4493f8;--pb:#3b2e00;--pf:#e3b341}}' +
    '.w.l{right:auto;left:16px}*{box-sizing:border-box}' +
    'button{font:inherit;font-weight:600;display:flex;align-items:center;gap:8px;padding:8px 14px;border:1px solid var(--l);border-radius:999px;background:var(--b);color:var(--f);cursor:pointer;box-shadow:0 4px 14px #0003}' +
    'button:hover{border-color:var(--a)}button:focus-visible,a:focus-visible,.p:focus-visible{outline:2px solid var(--a);outline-offset:2px}' +
    '.b{min-width:20px;padding:0 6px;border-radius:999px;background:#cf222e;color:#fff;font-size:12px;line-height:20px;text-align:center}[hidden]{display:none!important}' +
    '.p{position:absolute;bottom:calc(100% + 10px);right:0;width:min(380px,calc(100vw - 32px));max-height:min(70vh,560px);overflow:auto;padding:4px 16px 12px;background:var(--b);color:var(--f);border:1px solid var(--l);border-radius:12px;box-shadow:0 10px 30px #0004}' +
    '.l .p{right:auto;left:0}.h{font-size:16px;margin:12px 0 4px}.s{list-style:none;margin:0;padding:0}.s>li{padding:10px 0;border-top:1px solid var(--l)}.s>li:first-child{border:0}' +
    'a{color:var(--a)}.t{font-weight:600;text-decoration:none}.t:hover{text-decoration:underline}.m{display:flex;flex-wrap:wrap;gap:6px;align-items:center;color:var(--m);font-size:12px;margin:2px 0 4px}' +
    'code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}pre{background:var(--c);padding:8px;border-radius:6px;overflow:auto}.r{padding:0 6px;border-radius:999px;background:var(--pb);color:var(--pf)}' +
    '.n{overflow-wrap:anywhere}.n>:first-child{margin-top:0}.n>:last-child{margin-bottom:0}.n img{max-width:100%}.n h1,.n h2,.n h3,.n h4{font-size:14px;margin:10px 0 4px}.n ul,.n ol{padding-left:20px}.n table{border-collapse:collapse;display:block;overflow:auto}.n td,.n th{border:1px solid var(--l);padding:2px 6px}.n blockquote{margin:0;padding:0 10px;border-left:3px solid var(--l);color:var(--m)}' +
    // The notes' GitHub markup: alerts, heading anchors (links into the release page: none here), footnotes.
    '.n .markdown-alert{margin:8px 0;padding:0 10px;border-left:3px solid var(--l)}.n .markdown-alert-title{display:flex;align-items:center;gap:6px;font-weight:600}.n svg{fill:currentColor}.n .anchor{display:none}.n .sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}.x{color:var(--m)}.a{display:block;margin-top:8px;font-size:13px}';
  const wrap = el('div', attr('position') === 'bottom-left' ? 'w l' : 'w');
  const button = el('button', '', "What's new");
  const badge = el('span', 'b');
  const panel = el('div', 'p');
  const list = el('ol', 's');
  const status = el('p', 'x', 'Loading…');
  const all = el('a', 'a', 'All releases →');
  const id = 'shiplog-' + Math.random().toString(36).slice(2);
  button.type = 'button';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', id);
  badge.hidden = panel.hidden = true;
  badge.setAttribute('aria-hidden', 'true');
  button.append(badge);
  panel.id = id;
  panel.tabIndex = -1;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', "What's new in " + project);
  all.href = origin + '/' + project;
  all.target = '_blank';
  all.rel = 'noopener';
  panel.append(el('h2', 'h', "What's new"), status, list, all);
  wrap.append(panel, button);
  root.append(style, wrap);

  let items: Item[] | undefined;
  const pending: [string, Item | null, string][] = [];
  const unread = () => {
    const seen = time(store() || '');
    return items ? items.filter((r) => time(r.publishedAt) > seen).length : 0;
  };
  const markSeen = () => {
    const newest = items && items[0];
    if (newest && time(newest.publishedAt) > time(store() || '')) store(newest.publishedAt);
  };
  const count = () => {
    if (!items) return;
    if (!panel.hidden) markSeen();
    const n = unread();
    badge.textContent = String(n);
    badge.hidden = !n;
    button.setAttribute('aria-label', n ? "What's new, " + n + ' unread' : "What's new");
    host.setAttribute('data-unread', String(n));
  };
  const render = () => {
    if (!items) return;
    status.hidden = !!items.length;
    status.textContent = 'No releases yet.';
    list.replaceChildren(
      ...items.map((r) => {
        const li = el('li');
        const title = el('a', 't', r.name || r.tag);
        const meta = el('div', 'm');
        const date = el('time', '', new Date(r.publishedAt).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }));
        const notes = el('div', 'n');
        title.href = origin + '/' + project + '/releases/' + r.tag.split('/').map(encodeURIComponent).join('/');
        title.target = '_blank';
        title.rel = 'noopener';
        date.dateTime = r.publishedAt;
        meta.append(el('code', '', r.tag), date);
        if (r.prerelease) meta.append(el('span', 'r', 'Pre-release'));
        notes.innerHTML = r.html || ''; // sanitized by the server when the release was stored
        li.append(title, meta, notes);
        li.setAttribute('data-tag', r.tag);
        return li;
      }),
    );
    count();
  };
  const apply = (type: string, release: Item | null, tag: string) => {
    if (!items) return void pending.push([type, release, tag]);
    items = items.filter((r) => r.tag !== tag);
    if (release && type !== 'release.deleted') items.push(release);
    items = items.sort((a, b) => time(b.publishedAt) - time(a.publishedAt)).slice(0, limit);
  };
  const toggle = (open: boolean, { refocus = false } = {}) => {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) panel.focus();
    else if (refocus) button.focus();
    count();
  };
  button.onclick = () => toggle(panel.hidden);
  wrap.onkeydown = (e) => {
    if (e.key === 'Escape' && !panel.hidden) toggle(false, { refocus: true });
  };
  d.addEventListener('click', (e) => {
    if (!panel.hidden && !e.composedPath().includes(host)) toggle(false);
  });

  const base = origin + '/api/';
  // Always revalidate (ETag, usually a 304): a list kept stale by the browser would lack releases the stream will never resend.
  fetch(base + 'v2/projects/' + project + '/releases?limit=' + limit, { cache: 'no-cache', headers: { accept: 'application/json' } })
    .then((res) => {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    })
    .then((body: { data: { tag: string; name: string | null; publishedAt: string | null; prerelease: boolean; notes?: { html?: string } }[] }) => {
      items = body.data.map((r) => ({ tag: r.tag, name: r.name, publishedAt: r.publishedAt || '', prerelease: r.prerelease, html: (r.notes && r.notes.html) || '' }));
      for (const p of pending.splice(0)) apply(...p);
      render();
    })
    .catch((err) => {
      status.textContent = 'Could not load releases.';
      console.warn('[shiplog] could not load releases of ' + project, err);
    });

  if (typeof EventSource == 'function') {
    const source = new EventSource(base + 'v2/stream?project=' + encodeURIComponent(project));
    const live = (on: boolean) => () => host.setAttribute('data-live', on ? 'on' : 'off');
    source.onopen = live(true);
    source.onerror = live(false);
    for (const type of ['published', 'updated', 'deleted'])
      source.addEventListener('release.' + type, (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data) as { tag: string; release: Item | null };
        apply('release.' + type, data.release, data.tag);
        render();
      });
  }

  const mount = () => d.body.append(host);
  if (d.body) mount();
  else d.addEventListener('DOMContentLoaded', mount);
}
