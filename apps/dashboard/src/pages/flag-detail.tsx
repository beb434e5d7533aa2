import { evaluate, type Flag, type Segment } from '@wavegate/core';
import { useCallback, useState } from 'react';
import { enc } from '../api.js';
import { ChangesTable } from '../components/changes-table.js';
import { isNotFound, NotFound } from '../components/not-found.js';
import { Empty, Loaded } from '../components/states.js';
import { flagHistory, type HistoryEvent } from '../diff.js';
import { useLiveVersion } from '../live.js';
import { useProject } from '../project.js';
import { Link } from '../router.js';
import { can, useSession } from '../session.js';
import { useResource } from '../use-resource.js';
import { FlagHeaderActions } from './flag-header.js';
import { RulesEditor } from './flag-rules.js';
import type { FlagResource } from './flags.js';

const NO_SEGMENTS: Segment[] = [];

export function FlagDetailPage({ flagKey }: { flagKey: string }) {
  const { project, environments } = useProject();
  const { user } = useSession();
  const live = useLiveVersion(`flag:${project}/${flagKey}`);
  const base = project === undefined ? null : `/api/v1/projects/${enc(project)}`;
  const flag = useResource<FlagResource>(base && `${base}/flags/${enc(flagKey)}`, live);
  const segments = useResource<{ segments: Segment[] }>(base && `${base}/segments`);
  const history = useResource<{ events: HistoryEvent[] }>(
    `/api/v1/events?subject=${enc(`flag:${project}/${flagKey}`)}&limit=500`,
    live,
  );
  const [envKey, setEnvKey] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [draft, setDraft] = useState<Flag | undefined>();
  const onDraft = useCallback((f: Flag | undefined) => setDraft(f), []);
  const env = environments.find((e) => e.key === envKey) ?? environments[environments.length - 1];
  if (flag.data === undefined && isNotFound(flag.error)) {
    return (
      <section aria-label="Flag not found">
        <NotFound title="Flag not found" back={['/flags', '← Back to flags']}>
          There is no flag <code>{flagKey}</code> in project <code>{project}</code>.
        </NotFound>
      </section>
    );
  }
  return (
    <section aria-labelledby="flag-title">
      <p>
        <Link to="/flags">← Flags</Link>
      </p>
      <h1 id="flag-title">{flagKey}</h1>
      <Loaded resource={flag}>
        {(f) => (
          <>
            <p className="muted">
              {f.type} · variants {Object.keys(f.variants).join(', ')} · version {f.version}
              {f.archived && ' · archived'}
            </p>
            {f.description && <p>{f.description}</p>}
            {can(user, 'editor') && (
              <FlagHeaderActions
                flag={f}
                onDone={(message) => {
                  setNotice(message);
                  flag.reload();
                }}
              />
            )}
            <div className="tabs" role="tablist" aria-label="Environment">
              {environments.map((e) => (
                <button
                  key={e.key}
                  type="button"
                  role="tab"
                  aria-selected={e.key === env?.key}
                  onClick={() => setEnvKey(e.key)}
                >
                  {e.key}
                  {e.protected && ' (protected)'} {f.environments[e.key]?.enabled ? '(on)' : '(off)'}
                </button>
              ))}
            </div>
            {notice !== undefined && (
              <p className="notice" role="status">
                {notice}
              </p>
            )}
            {env !== undefined && <h2 className="sr-only">Rules and preview in {env.key}</h2>}
            {env !== undefined && (
              <div className="two-col">
                <RulesEditor
                  flag={f}
                  env={env}
                  segments={segments.data?.segments ?? NO_SEGMENTS}
                  editable={can(user, 'editor') && !f.archived}
                  onSaved={setNotice}
                  onDraft={onDraft}
                />
                <Preview flag={draft} segments={segments.data?.segments ?? []} env={env.key} />
              </div>
            )}
          </>
        )}
      </Loaded>
      <h2>History</h2>
      <Loaded resource={history}>
        {(h) =>
          h.events.length === 0 ? (
            <Empty>No events.</Empty>
          ) : (
            <ol className="history">
              {flagHistory(h.events).map(({ event, changes }) => (
                <li key={event.seq}>
                  <div>
                    <strong>{event.kind}</strong> <span className="muted">#{event.seq}</span> by{' '}
                    <code>{event.actor}</code>{' '}
                    <time dateTime={event.time}>{event.time.replace('T', ' ').slice(0, 19)}</time>
                  </div>
                  <ChangesTable changes={changes} />
                </li>
              ))}
            </ol>
          )
        }
      </Loaded>
    </section>
  );
}

/** "Who gets what": evaluates the draft with @wavegate/core in the browser on a context the person types. */
export function Preview({ flag, segments, env }: { flag: Flag | undefined; segments: Segment[]; env: string }) {
  const [text, setText] = useState('{\n  "userId": "user-42",\n  "country": "US"\n}');
  let context: Record<string, unknown> | undefined;
  let problem: string | undefined;
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      problem = 'the context is a JSON object';
    else context = parsed;
  } catch (e) {
    problem = `not JSON: ${(e as Error).message}`;
  }
  const result = flag !== undefined && context !== undefined ? evaluate(flag, context, segments) : undefined;
  return (
    <div className="panel">
      <label>
        Preview in {env}: evaluation context (JSON)
        <textarea className="code" rows={6} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </label>
      <output aria-live="polite" className="preview">
        {problem !== undefined && <span className="error">{problem}</span>}
        {flag === undefined && problem === undefined && <span className="muted">Fix the rules to preview.</span>}
        {result !== undefined && (
          <>
            Serves <strong>{result.variant ?? '(default)'}</strong> = <code>{JSON.stringify(result.value)}</code>
            <br />
            reason {result.reason}
            {result.ruleIndex !== undefined && ` · rule ${result.ruleIndex}`}
            {result.errorMessage !== undefined && ` · ${result.errorMessage}`}
          </>
        )}
      </output>
    </div>
  );
}
