/** Delivery and import states, coloured and spelled out (colour is never the only signal). */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`status status-${status.replace(/[^a-z_]/g, '')}`} data-status={status}>
      {status.replace(/_/g, ' ')}
    </span>
  );
}
