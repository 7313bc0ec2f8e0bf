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
 * data-theme (auto: the reader's colour scheme, the default; light; dark), data-position (bottom-right,
 * the default; bottom-left; top-right; top-left). The host element <shiplog-widget> carries
 * data-unread (the badge count once loaded) and data-live ("on" while the live stream is connected).
 *
 * It shows what GET /api/widget/{owner}/{repo} answers: each release's summary (made by the server,
 * every link absolute to Shiplog) and a "Read more" link to its page. Opening the panel marks every
 * release shown as seen (the newest one's date, in the host origin's localStorage): the badge goes.
 */
export function widget(script: HTMLScriptElement | null): void {
  interface Item {
    tag: string;
    name: string | null;
    publishedAt: string;
    prerelease: boolean;
    url: string;
    summary: string;
    truncated: boolean;
  }
  const attr = (name: string) => ((script && script.getAttribute('data-' + name)) || '').trim();
  const project = attr('project');
  if (!script || !/^[\w-]+\/[\w.-]+$/.test(project)) {
    console.warn('[shiplog] widget.js needs data-project="owner/repo" on its <script> tag');
    return;
  }
  const limit = Math.min(20, Math.max(1, parseInt(attr('limit'), 10) || 5));
  const theme = /^(light|dark)$/.test(attr('theme')) ? attr('theme') : 'auto';
  const position = attr('position');
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
  const link = (a: HTMLAnchorElement, href: string) => {
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    return a;
  };

  const host = d.createElement('shiplog-widget');
  const root = host.attachShadow({ mode: 'open' });
  const style = el('style');
  const dark = '--b:#0d1117;--f:#e6edf3;--m:#9198a1;--l:#3d444d;--c:#151b23;--a:#4493f8;--pb:#3b2e00;--pf:#e3b341;color-scheme:dark}';
  style.textContent =
    '.w{all:initial;position:fixed;bottom:16px;right:16px;z-index:2147483000;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--f);' +
    '--b:#fff;--f:#1f2328;--m:#59636e;--l:#d1d9e0;--c:#f6f8fa;--a:#0969da;--pb:#fff8c5;--pf:#7d4e00;color-scheme:light}' +
    '.w.dark{' +
    dark +
    '@media (prefers-color-scheme:dark){.w.auto{' +
    dark +
    '}' +
    '.w.l{right:auto;left:16px}.w.u{bottom:auto;top:16px}*{box-sizing:border-box}' +
    'button{font:inherit;font-weight:600;display:flex;align-items:center;gap:8px;padding:8px 14px;border:1px solid var(--l);border-radius:999px;background:var(--b);color:var(--f);cursor:pointer;box-shadow:0 4px 14px #0003}' +
    'button:hover{border-color:var(--a)}button:focus-visible,a:focus-visible,.p:focus-visible{outline:2px solid var(--a);outline-offset:2px}' +
    '.b{min-width:20px;padding:0 6px;border-radius:999px;background:#cf222e;color:#fff;font-size:12px;line-height:20px;text-align:center}[hidden]{display:none!important}' +
    '.p{position:absolute;bottom:calc(100% + 10px);right:0;width:min(380px,calc(100vw - 32px));max-height:min(70vh,560px);overflow:auto;padding:4px 16px 12px;background:var(--b);color:var(--f);border:1px solid var(--l);border-radius:12px;box-shadow:0 10px 30px #0004}' +
    '.l .p{right:auto;left:0}.u .p{bottom:auto;top:calc(100% + 10px)}.h{font-size:16px;margin:12px 0 4px}.s{list-style:none;margin:0;padding:0}.s>li{padding:12px 0;border-top:1px solid var(--l)}.s>li:first-child{border:0}' +
    'a{color:var(--a)}.t{font-weight:600;text-decoration:none}.t:hover{text-decoration:underline}.m{display:flex;flex-wrap:wrap;gap:6px;align-items:center;color:var(--m);font-size:12px;margin:2px 0 6px}' +
    'code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}pre{background:var(--c);padding:8px;border-radius:6px;overflow:auto}.r{padding:0 6px;border-radius:999px;background:var(--pb);color:var(--pf)}' +
    '.n{overflow-wrap:anywhere}.n>:first-child{margin-top:0}.n>:last-child{margin-bottom:0}.n p,.n ul,.n ol{margin:0 0 6px}.n ul,.n ol{padding-left:20px}.n blockquote{margin:0;padding:0 10px;border-left:3px solid var(--l);color:var(--m)}' +
    '.n .contains-task-list{list-style:none;padding-left:4px}.n .markdown-alert{padding:0 10px;border-left:3px solid var(--a)}.n table{border-collapse:collapse;display:block;overflow:auto}.n td,.n th{border:1px solid var(--l);padding:2px 6px}' +
    '.x{color:var(--m)}.a{display:block;margin-top:8px;font-size:13px}.n+.a{margin-top:4px}';
  const wrap = el('div', 'w ' + theme + (/left/.test(position) ? ' l' : '') + (/^top/.test(position) ? ' u' : ''));
  const button = el('button', '', "What's new");
  const badge = el('span', 'b');
  const panel = el('div', 'p');
  const list = el('ol', 's');
  const status = el('p', 'x', 'Loading…');
  const all = link(el('a', 'a', 'All releases →'), origin + '/' + project);
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
  panel.append(el('h2', 'h', "What's new"), status, list, all);
  wrap.setAttribute('role', 'complementary');
  wrap.setAttribute('aria-label', 'Shiplog');
  wrap.append(panel, button);
  root.append(style, wrap);

  let items: Item[] | undefined;
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
        const meta = el('div', 'm');
        const date = el('time', '', new Date(r.publishedAt).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }));
        const notes = el('div', 'n');
        date.dateTime = r.publishedAt;
        meta.append(el('code', '', r.tag), date);
        if (r.prerelease) meta.append(el('span', 'r', 'Pre-release'));
        notes.innerHTML = r.summary; // sanitized by the server when the release was stored, links made absolute
        li.append(link(el('a', 't', r.name || r.tag), r.url), meta, notes);
        if (r.truncated) {
          const more = link(el('a', 'a', 'Read more'), r.url);
          more.setAttribute('aria-label', 'Read more about ' + (r.name || r.tag));
          li.append(more);
        }
        li.setAttribute('data-tag', r.tag);
        return li;
      }),
    );
    count();
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
  let last = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Always revalidate (ETag, usually a 304). After a live event, an answer that has not changed yet (an
  // instance at most a second behind the database) is asked for once more a moment later.
  const load = (again?: boolean): Promise<void> =>
    fetch(base + 'widget/' + project + '?limit=' + limit, { cache: 'no-cache', headers: { accept: 'application/json' } })
      .then((res) => {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.text();
      })
      .then((text) => {
        if (text === last) return void (again && (timer = setTimeout(load, 1500)));
        last = text;
        items = (JSON.parse(text) as { releases: Item[] }).releases;
        render();
      })
      .catch((err) => {
        if (!items) status.textContent = 'Could not load releases.';
        console.warn('[shiplog] could not load releases of ' + project, err);
      });
  load();

  if (typeof EventSource == 'function') {
    const source = new EventSource(base + 'v2/stream?project=' + encodeURIComponent(project));
    const live = (on: boolean) => () => host.setAttribute('data-live', on ? 'on' : 'off');
    source.onopen = live(true);
    source.onerror = live(false);
    for (const type of ['published', 'updated', 'deleted'])
      source.addEventListener('release.' + type, () => {
        // Readers' widgets do not all ask at the same instant.
        clearTimeout(timer);
        timer = setTimeout(() => load(true), 50 + Math.random() * 450);
      });
  }

  const mount = () => d.body.append(host);
  if (d.body) mount();
  else d.addEventListener('DOMContentLoaded', mount);
}
