import type { ReactNode } from 'react';

/**
 * The horizontal scroll area around a table: a `<section>` named after the table (so a region landmark). At phone
 * widths the table scrolls sideways, so the area takes focus (arrow keys scroll it): a keyboard or screen-reader
 * user can reach it and hears what it holds.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll by keyboard
    <section className="table-wrap" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
