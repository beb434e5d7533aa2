import type { Change } from '../diff.js';

/** Changed paths with their value before and after (`—` where there was none), as a table; nothing when empty. */
export function ChangesTable({ changes, caption }: { changes: Change[]; caption?: string }) {
  if (changes.length === 0) return null;
  return (
    <table className="diff">
      {caption !== undefined && <caption className="sr-only">{caption}</caption>}
      <tbody>
        {changes.map((c) => (
          <tr key={c.path}>
            <th scope="row">
              <code>{c.path}</code>
            </th>
            <td className="before">{c.before === undefined ? '—' : JSON.stringify(c.before)}</td>
            <td className="after">{c.after === undefined ? '—' : JSON.stringify(c.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
