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

/** The figure card under a heading: its big value and its detail line. */
function card(title: string) {
  const panel = screen.getByRole('heading', { name: title }).parentElement;
  return [...(panel?.querySelectorAll('p') ?? [])].map((p) => p.textContent);
}

describe('DORA figures', () => {
  it('shows each figure in words: rates in %, durations in units, counts with what they count', () => {
    render(h(DoraFigures, { report }));
    expect(card('Release frequency')).toEqual(['2.8 per week', '12 releases reached 100% (0.4 per day)']);
    expect(card('Change failure rate')).toEqual(['14.3%', '2 rolled back of 14 ended']);
    expect(card('Lead time')).toEqual(['median 2 h 14 min', '90th percentile 5 d · created → 100%, 12 releases']);
    expect(card('Time to restore')).toEqual(['median 5 h', '90th percentile 5 h · 1 restored, 1 not yet']);
    expect(document.body.textContent).not.toMatch(/perDay|rolledBack|medianSeconds|259200/);
  });

  it('says so when there is nothing to measure', () => {
    render(
      h(DoraFigures, {
        report: {
          ...report,
          changeFailureRate: { rolledBack: 0, finished: 0, rate: null },
          timeToRestore: { count: 0, medianSeconds: null, p90Seconds: null, unrestored: 0 },
        },
      }),
    );
    expect(card('Change failure rate')).toEqual(['—', 'no release ended']);
    expect(card('Time to restore')).toEqual(['—', 'no rollback']);
    cleanup();
    render(
      h(DoraFigures, {
        report: { ...report, timeToRestore: { count: 0, medianSeconds: null, p90Seconds: null, unrestored: 2 } },
      }),
    );
    expect(card('Time to restore')).toEqual(['—', '2 rollbacks not restored yet']);
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
