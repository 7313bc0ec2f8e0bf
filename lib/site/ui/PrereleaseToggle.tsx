/**
 * Shows or hides the page's prereleases, without script: the state is the URL's fragment
 * (`#hide-prereleases`), which the stylesheet reads with `:target` (lib/site/styles.css). A link to
 * the page with that fragment is a link to the page without prereleases.
 */
export function PrereleaseToggle() {
  return (
    <p className="prerelease-toggle" id="hide-prereleases">
      <a className="hide-pre" href="#hide-prereleases">
        Hide pre-releases
      </a>
      <a className="show-pre" href="#releases">
        Show pre-releases
      </a>
      <span className="hidden-note muted">Pre-releases hidden.</span>
    </p>
  );
}
