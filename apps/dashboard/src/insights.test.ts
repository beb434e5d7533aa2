// @vitest-environment happy-dom

import { cleanup, render, screen } from '@testing-library/react';
import { createElement as h } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { DoraFigures, type DoraReport, formatDuration, formatPercent } from './components/dora-figures.js';

afterEach(cleanup);

// The example answer of docs/api.md ("Insights"), lead time median changed to 2 h 14 min.
const report: DoraReport = {
  project: 'shop',
  environment: 'production',
  from: '2026-02-01T00:00:00.000Z',
  to: '2026-03-03T00:00:00.000Z',
  releaseFrequency: { completed: 12, perDay: 0.4, perWeek: 2.8 },
  changeFailureRate: { rolledBack: 2, finished: 14, rate: 0.143 },
  leadTime: { count: 12, medianSeconds: 8040, p90Seconds: 432_000 },
  timeToRestore: { count: 1, medianSeconds: 18_000, p90Seconds: 18_000, unrestored: 1 },
};

/** The figure card under a heading: its big value, then each detail as "label: value". */
function card(title: string) {
  const panel = screen.getByRole('heading', { name: title }).parentElement;
  const value = panel?.querySelector('p')?.textContent;
  const rows = [...(panel?.querySelectorAll('.kv') ?? [])].map(
    (kv) => `${kv.querySelector('dt')?.textContent}: ${kv.querySelector('dd')?.textContent}`,
  );
  return [value, ...rows];
}

describe('DORA figures', () => {
  it('shows each figure in words: rates in %, durations in units, counts with what they count', () => {
    render(h(DoraFigures, { report }));
    expect(card('Release frequency')).toEqual(['2.8 per week', 'Releases that reached 100%: 12', 'Per day: 0.4']);
    expect(card('Change failure rate')).toEqual(['14.3%', 'Rolled back: 2', 'Ended (completed or rolled back): 14']);
    expect(card('Lead time')).toEqual([
      'median 2 h 14 min',
      '90th percentile: 5 d',
      'Releases completed (created → 100%): 12',
    ]);
    expect(card('Time to restore')).toEqual([
      'median 5 h',
      '90th percentile: 5 h',
      'Rollbacks restored: 1',
      'Not restored yet: 1',
    ]);
    expect(document.body.textContent).not.toMatch(/perDay|rolledBack|medianSeconds|259200/);
  });

  it('shows — for a figure with nothing to measure', () => {
    render(
      h(DoraFigures, {
        report: {
          ...report,
          changeFailureRate: { rolledBack: 0, finished: 0, rate: null },
          timeToRestore: { count: 0, medianSeconds: null, p90Seconds: null, unrestored: 2 },
        },
      }),
    );
    expect(card('Change failure rate')[0]).toBe('—');
    expect(card('Time to restore')).toEqual([
      '—',
      '90th percentile: —',
      'Rollbacks restored: 0',
      'Not restored yet: 2',
    ]);
  });

  it('formats durations in their two largest units and rates as percentages', () => {
    expect([0, 45, 60, 61, 3600, 8040, 90_061, 259_200, null].map(formatDuration)).toEqual([
      '0 s',
      '45 s',
      '1 min',
      '1 min 1 s',
      '1 h',
      '2 h 14 min',
      '1 d 1 h',
      '3 d',
      '—',
    ]);
    expect([0, 1 / 3, 1, null].map(formatPercent)).toEqual(['0%', '33.3%', '100%', '—']);
  });
});
