import type { DetailedHTMLProps, HTMLAttributes } from 'react';

/** The site's palette (lib/site/styles.css) in the terms RapiDoc takes. */
export interface ReferenceTheme {
  theme: 'light' | 'dark';
  bg: string;
  text: string;
  primary: string;
  navBg: string;
  navText: string;
  navHover: string;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const MONO = 'ui-monospace, SFMono-Regular, Menlo, monospace';

export function referenceTheme(dark: boolean): ReferenceTheme {
  return dark
    ? { theme: 'dark', bg: '#0d1117', text: '#e6edf3', primary: '#4493f8', navBg: '#151b23', navText: '#e6edf3', navHover: '#4493f8' }
    : { theme: 'light', bg: '#ffffff', text: '#1f2328', primary: '#0969da', navBg: '#f6f8fa', navText: '#1f2328', navHover: '#0969da' };
}

type RapiDocAttributes = DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement> & { layout?: string; theme?: string } & Record<`${string}-${string}`, string | undefined>;

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'rapi-doc': RapiDocAttributes;
    }
  }
}

/**
 * The <rapi-doc> element (registered by `import('rapidoc')`), configured for Shiplog: operations grouped
 * by tag, expandable in place, "Try" against this origin (a spec without `servers` means the page's own
 * origin), bearer tokens entered once per tab, no web fonts from a CDN.
 */
export function ApiReference({ specUrl, theme }: { specUrl: string; theme: ReferenceTheme }) {
  return (
    <rapi-doc
      spec-url={specUrl}
      render-style="focused"
      layout="row"
      theme={theme.theme}
      bg-color={theme.bg}
      text-color={theme.text}
      primary-color={theme.primary}
      nav-bg-color={theme.navBg}
      nav-text-color={theme.navText}
      nav-hover-text-color={theme.navHover}
      regular-font={FONT}
      mono-font={MONO}
      load-fonts="false"
      show-header="false"
      show-info="true"
      allow-try="true"
      allow-authentication="true"
      allow-server-selection="false"
      allow-spec-url-load="false"
      allow-spec-file-load="false"
      allow-spec-file-download="true"
      persist-auth="false"
      schema-style="table"
      schema-expand-level="1"
      default-schema-tab="example"
      show-method-in-nav-bar="as-colored-block"
      use-path-in-nav-bar="false"
      update-route="true"
      route-prefix="#"
      sort-endpoints-by="none"
      fill-request-fields-with-example="true"
      style={{ display: 'block', width: '100%', height: '100%' }}
    />
  );
}
