import type { Gate } from '@wavegate/core';
import { useState } from 'react';
import { api, enc } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { gateUnits } from '../components/gate-format.js';
import { GatePanel } from '../components/gate-panel.js';
import { isNotFound, NotFound } from '../components/not-found.js';
import { Empty, ErrorBox, Loaded } from '../components/states.js';
import { usePoll } from '../components/use-poll.js';
import { useLiveVersion } from '../live.js';
import { useProject } from '../project.js';
import { type DecisionEvent, type DecisionView, gateViews } from '../release-charts.js';
import { Link } from '../router.js';
import { can, useSession } from '../session.js';
import { useResource } from '../use-resource.js';
import { proposeChange } from './flag-header.js';
import type { ReleaseResource } from './releases.js';

/** The release as this page reads it: its gates in full, and the loop's latest evaluation (null on a replica). */
type ReleaseDetail = Omit<ReleaseResource, 'definition'> & {
  definition: ReleaseResource['definition'] & { gates: Gate[] };
  latestEvaluation: DecisionView | null;
};

/** Seconds between refreshes of a running release: its latest evaluation changes without an event. */
const POLL_MS = 5000;
const WATCHED = ['running', 'awaiting_approval'];

// `gated`: increases exposure, so in a protected environment it is proposed as a change request; pause and
// rollback only reduce exposure and always apply at once.
const ACTIONS = {
  start: { when: ['pending'], danger: false, gated: true },
  pause: { when: ['running', 'awaiting_approval'], danger: false, gated: false },
  resume: { when: ['paused'], danger: false, gated: true },
  approve: { when: ['awaiting_approval', 'running'], danger: false, gated: true },
  promote: { when: ['running', 'awaiting_approval'], danger: false, gated: true },
  rollback: { when: ['pending', 'running', 'awaiting_approval', 'paused'], danger: true, gated: false },
} as const;
type Action = keyof typeof ACTIONS;
const title = (a: Action) => (a === 'rollback' ? 'Roll back' : `${a[0]?.toUpperCase()}${a.slice(1)}`);

export function ReleaseDetailPage({ id }: { id: string }) {
  const { project, environments } = useProject();
  const { user } = useSession();
  const subject = `release:${project}/${id}`;
  const live = useLiveVersion(subject);
  const base = `/api/v1/projects/${enc(project ?? '')}/releases/${enc(id)}`;
  const [watched, setWatched] = useState(false);
  const poll = usePoll(watched, POLL_MS);
  const release = useResource<ReleaseDetail>(project === undefined ? null : base, `${live}:${poll}`);
  const status = release.data?.status;
  if ((status !== undefined && WATCHED.includes(status)) !== watched) setWatched(!watched);
  const decisions = useResource<{ events: DecisionEvent[] }>(
    `/api/v1/events?subject=${enc(subject)}&kind=release.decision&limit=500`,
    live,
  );
  const [error, setError] = useState<Error | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const button = (r: ReleaseDetail, action: Action) => {
    const env = r.definition.environment;
    const propose = ACTIONS[action].gated && environments.some((e) => e.key === env && e.protected);
    return (
      <ConfirmButton
        key={action}
        label={propose ? `Propose: ${action}` : title(action)}
        className={action === 'start' ? 'primary' : ACTIONS[action].danger ? 'danger' : ''}
        title={`${title(action)} release ${r.id}?`}
        body={
          <>
            <p>
              {action === 'rollback'
                ? `Sets ${r.definition.flag} in ${env} back to 0% for the treatment now. A rollback is final.`
                : `${r.definition.flag} in ${env} serves ${r.percentage}% now.`}
            </p>
            {propose && (
              <p>
                <strong>{env}</strong> is protected: this proposes a change request, which another person approves
                before it is applied.
              </p>
            )}
          </>
        }
        confirmLabel={propose ? 'Propose change request' : title(action)}
        danger={ACTIONS[action].danger}
        {...(action === 'rollback' ? { typeToConfirm: r.id } : {})}
        onConfirm={async () => {
          setError(undefined);
          setNotice(undefined);
          try {
            if (propose) {
              await proposeChange(project ?? '', { kind: `release-${action}` as 'release-start', release: r.id });
              setNotice(`Change request proposed: ${action} ${r.id} (needs another person's approval)`);
              return;
            }
            await api('POST', `${base}/${action}`, {
              version: r.version,
              ...(action === 'rollback' ? { reason: 'dashboard' } : {}),
            });
            release.reload();
          } catch (e) {
            setError(e as Error);
            throw e;
          }
        }}
      />
    );
  };
  if (release.data === undefined && isNotFound(release.error)) {
    return (
      <section aria-label="Release not found">
        <NotFound title="Release not found" back={['/releases', '← Back to releases']}>
          There is no release <code>{id}</code> in project <code>{project}</code>.
        </NotFound>
      </section>
    );
  }
  return (
    <section aria-labelledby="release-title">
      <p>
        <Link to="/releases">← Releases</Link>
      </p>
      <h1 id="release-title">Release {id}</h1>
      <ErrorBox error={error} title="Action refused" />
      {notice !== undefined && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <Loaded resource={release}>
        {(r) => (
          <>
            <p>
              <span className={`status status-${r.status}`}>{r.status.replace('_', ' ')}</span> · {r.definition.flag} in{' '}
              {r.definition.environment} · serving <strong>{r.percentage}%</strong> {r.definition.variant}
              {r.reason && <> · {r.reason}</>}
            </p>
            {can(user, 'editor') && (
              <fieldset className="actions">
                <legend className="sr-only">Release actions</legend>
                {(Object.keys(ACTIONS) as Action[])
                  .filter((a) => (ACTIONS[a].when as readonly string[]).includes(r.status))
                  .map((a) => button(r, a))}
              </fieldset>
            )}
            <h2>Waves</h2>
            <ol className="timeline">
              {r.waves.map((w) => (
                <li
                  key={w.index}
                  className={`wave wave-${w.status}`}
                  aria-current={w.status === 'current' ? 'step' : undefined}
                >
                  <strong>{w.percentage}%</strong>
                  <span className="small">
                    {w.status.replace('_', ' ')} · bake {w.minBakeSeconds}s{w.approved ? ' · approved' : ''}
                  </span>
                </li>
              ))}
            </ol>
            <h2>Gates</h2>
            <Loaded resource={decisions}>
              {(d) => {
                // A finished release's latest evaluation is its last decision, already in the log.
                const live = WATCHED.includes(r.status) ? r.latestEvaluation : null;
                const views = gateViews(d.events, r.waves, live);
                const units = gateUnits(r.definition.gates);
                return views.length === 0 ? (
                  <Empty>No gate readings yet.</Empty>
                ) : (
                  <>
                    {live !== null && (
                      <p className="small muted">
                        The row marked “now” is the latest evaluation (refreshed every {POLL_MS / 1000} s):{' '}
                        {live.decision}, {live.reason}
                      </p>
                    )}
                    {views.map((v) => (
                      <GatePanel key={v.gate} view={v} unit={units.get(v.gate) ?? 'value'} />
                    ))}
                  </>
                );
              }}
            </Loaded>
          </>
        )}
      </Loaded>
      <h2>Decision log</h2>
      <Loaded resource={decisions}>
        {(d) =>
          d.events.length === 0 ? (
            <Empty>No decisions yet.</Empty>
          ) : (
            <ol className="history">
              {[...d.events].reverse().map((e) => (
                <li key={e.seq}>
                  <div>
                    <strong>{e.payload.decision}</strong> wave {(e.payload.evidence?.wave ?? 0) + 1} →{' '}
                    {e.payload.evidence?.percentage}% ·{' '}
                    <time dateTime={e.time}>{e.time.replace('T', ' ').slice(0, 19)}</time>
                  </div>
                  <div className="small">{e.payload.evidence?.reason}</div>
                  <details>
                    <summary>Evidence</summary>
                    <ul className="small">
                      {(e.payload.evidence?.gates ?? []).map((g) => (
                        <li key={g.gate}>
                          {g.gate}: {g.verdict} (estimate {String(g.evidence.estimate ?? '—')}, interval [
                          {String(g.evidence.lower ?? '−∞')}, {String(g.evidence.upper ?? '+∞')}], threshold{' '}
                          {String(g.evidence.threshold ?? '—')})
                        </li>
                      ))}
                    </ul>
                    <pre className="code small">{JSON.stringify(e.payload.evidence, null, 2)}</pre>
                  </details>
                </li>
              ))}
            </ol>
          )
        }
      </Loaded>
    </section>
  );
}
