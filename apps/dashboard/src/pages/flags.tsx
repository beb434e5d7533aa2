import { type FormEvent, useState } from 'react';
import { api, enc } from '../api.js';
import { useConfirm } from '../components/confirm.js';
import { Empty, ErrorBox, Loaded } from '../components/states.js';
import { TableWrap } from '../components/table-wrap.js';
import { useLiveVersion } from '../live.js';
import { type Environment, useProject } from '../project.js';
import { Link } from '../router.js';
import { can, useSession } from '../session.js';
import { useResource } from '../use-resource.js';

export interface FlagEnvironmentConfig {
  enabled: boolean;
  rules: unknown[];
  serve: unknown;
  offVariant: string;
}
export interface FlagResource {
  project: string;
  key: string;
  type: string;
  description: string | null;
  variants: Record<string, unknown>;
  salt: string | null;
  tags: string[];
  archived: boolean;
  environments: Record<string, FlagEnvironmentConfig>;
  version: number;
  updatedAt: string;
}

/**
 * Turns a flag on or off in one environment. In a protected environment the change becomes a change request that
 * another person approves (the server refuses the direct change for dashboard users).
 */
export async function toggleFlag(flag: FlagResource, env: Environment, enabled: boolean): Promise<string> {
  if (env.protected) {
    await api('POST', '/api/v1/change-requests', {
      project: flag.project,
      environment: env.key,
      flag: flag.key,
      config: { enabled },
    });
    return `Change request proposed: ${flag.key} ${enabled ? 'on' : 'off'} in ${env.key} (needs another person's approval)`;
  }
  const base = `/api/v1/projects/${enc(flag.project)}/flags/${enc(flag.key)}/environments/${enc(env.key)}`;
  await api('POST', `${base}/${enabled ? 'enable' : 'disable'}`, { version: flag.version });
  return `${flag.key} is ${enabled ? 'on' : 'off'} in ${env.key}`;
}

export function FlagsPage() {
  const { project, environments } = useProject();
  const { user } = useSession();
  const [q, setQ] = useState('');
  const [archived, setArchived] = useState(false);
  const [envFilter, setEnvFilter] = useState('');
  const [notice, setNotice] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [dialog, ask] = useConfirm();
  const live = useLiveVersion(`flag:${project}/`);
  const flags = useResource<{ flags: FlagResource[] }>(
    project === undefined ? null : `/api/v1/projects/${enc(project)}/flags?archived=${archived}`,
    live,
  );
  if (project === undefined) return <Empty>No project yet. Create one with the API or `wavegate apply`.</Empty>;
  const editor = can(user, 'editor');
  const toggle = (flag: FlagResource, env: Environment, enabled: boolean) => {
    const run = async () => {
      setError(undefined);
      try {
        setNotice(await toggleFlag(flag, env, enabled));
        flags.reload();
      } catch (e) {
        setError(e as Error);
        throw e;
      }
    };
    if (!env.protected) return void run().catch(() => {});
    ask({
      title: `${enabled ? 'Turn on' : 'Turn off'} ${flag.key} in ${env.key}?`,
      body: (
        <p>
          <strong>{env.key}</strong> is protected: this proposes a change request, which another person approves before
          it is applied.
        </p>
      ),
      confirmLabel: 'Propose change',
      typeToConfirm: env.key,
      onConfirm: run,
    });
  };
  const needle = q.trim().toLowerCase();
  return (
    <section aria-labelledby="flags-title">
      <h1 id="flags-title">Flags</h1>
      <search className="toolbar">
        <label>
          Search
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="key, description, tag" />
        </label>
        <label>
          Enabled in
          <select value={envFilter} onChange={(e) => setEnvFilter(e.target.value)}>
            <option value="">any environment</option>
            {environments.map((env) => (
              <option key={env.key} value={env.key}>
                {env.key}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} /> Archived
        </label>
      </search>
      {editor && <CreateFlag project={project} onCreated={flags.reload} />}
      {notice !== undefined && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <ErrorBox error={error} title="Change refused" />
      {dialog}
      <Loaded resource={flags}>
        {(data) => {
          const shown = data.flags.filter(
            (f) =>
              (needle === '' ||
                f.key.toLowerCase().includes(needle) ||
                (f.description ?? '').toLowerCase().includes(needle) ||
                f.tags.some((t) => t.toLowerCase().includes(needle))) &&
              (envFilter === '' || f.environments[envFilter]?.enabled === true),
          );
          if (shown.length === 0) return <Empty>No flags match.</Empty>;
          return (
            <TableWrap label="Flag list">
              <table>
                <caption className="sr-only">Flags of {project}</caption>
                <thead>
                  <tr>
                    <th scope="col">Flag</th>
                    <th scope="col">Type</th>
                    {environments.map((env) => (
                      <th scope="col" key={env.key}>
                        {env.key}
                        {env.protected && <span className="small muted"> (protected)</span>}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {shown.map((flag) => (
                    <tr key={flag.key}>
                      <td>
                        <Link to={`/flags/${enc(flag.key)}`}>{flag.key}</Link>
                        {flag.description && <div className="muted small">{flag.description}</div>}
                        {flag.tags.map((t) => (
                          <span className="tag" key={t}>
                            {t}
                          </span>
                        ))}
                      </td>
                      <td>{flag.type}</td>
                      {environments.map((env) => {
                        const on = flag.environments[env.key]?.enabled === true;
                        return (
                          <td key={env.key}>
                            <button
                              type="button"
                              role="switch"
                              aria-checked={on}
                              aria-label={`${flag.key} in ${env.key}`}
                              className={on ? 'switch on' : 'switch'}
                              disabled={!editor || flag.archived}
                              onClick={() => toggle(flag, env, !on)}
                            >
                              {on ? 'On' : 'Off'}
                            </button>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          );
        }}
      </Loaded>
    </section>
  );
}

function CreateFlag({ project, onCreated }: { project: string; onCreated(): void }) {
  const [key, setKey] = useState('');
  const [type, setType] = useState('boolean');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api('POST', `/api/v1/projects/${enc(project)}/flags`, {
        key,
        type,
        ...(description === '' ? {} : { description }),
        ...(type === 'string' ? { variants: { control: 'control', treatment: 'treatment' } } : {}),
      });
      setKey('');
      setDescription('');
      onCreated();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <details className="panel">
      <summary>New flag</summary>
      <form onSubmit={submit} className="row-form">
        <label>
          Key
          <input name="key" value={key} onChange={(e) => setKey(e.target.value)} required />
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value)}>
            <option value="boolean">boolean</option>
            <option value="string">string</option>
          </select>
        </label>
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <button type="submit" className="primary">
          Create flag
        </button>
      </form>
      <ErrorBox error={error} title="Not created" />
    </details>
  );
}
