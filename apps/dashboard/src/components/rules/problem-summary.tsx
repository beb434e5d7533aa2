import { useField } from './field.js';
import type { PathProblem } from './problem-paths.js';

/** A problem, where it was found (the browser's check or the server's answer), and the field that shows it. */
export interface PlacedProblem extends PathProblem {
  source: 'core' | 'server';
  owner: string;
}

function ProblemItem({ problem }: { problem: PlacedProblem }) {
  const { id } = useField(problem.owner);
  return (
    <li>
      <button type="button" className="link" onClick={() => document.getElementById(id)?.focus()}>
        <code>{problem.path || '(flag)'}</code>
      </button>{' '}
      {problem.message}
      {problem.source === 'server' && <span className="muted"> (the server refused the last save)</span>}
    </li>
  );
}

/**
 * Every problem of the draft, each with a button that moves focus to its field. A polite live region: screen
 * readers hear the count change as the person types; the messages themselves sit next to their fields.
 */
export function ProblemSummary({ problems, id }: { problems: PlacedProblem[]; id: string }) {
  return (
    <div id={id} className="problem-summary" aria-live="polite">
      {problems.length === 0 ? (
        <p className="ok small">Valid.</p>
      ) : (
        <>
          <p className="bad small">
            <strong>
              {problems.length} {problems.length === 1 ? 'problem' : 'problems'}
            </strong>{' '}
            to fix before saving:
          </p>
          <ul className="problems">
            {problems.map((p) => (
              <ProblemItem key={`${p.source}:${p.path}:${p.code}:${p.message}`} problem={p} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
