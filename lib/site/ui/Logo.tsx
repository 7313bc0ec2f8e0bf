// Shiplog's mark: two sails over a hull, drawn (an emoji rendered as an empty box without emoji fonts).

const SAILS = 'M15 5v15H7.5zM17.5 9v11h7z';
const HULL = 'M6 23.5h20l-2.6 3.5H8.6z';

/** The mark, for the site header: decorative (the link around it says "Shiplog"). */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" className="logo-tile" />
      <path d={SAILS} className="logo-sails" />
      <path d={HULL} className="logo-sails" />
    </svg>
  );
}

/** The same mark as the page's icon (a data URI: no request). */
export const LOGO_DATA_URI = `data:image/svg+xml,${encodeURIComponent(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#0969da"/><path d="${SAILS}" fill="#fff"/><path d="${HULL}" fill="#fff"/></svg>`,
)}`;
