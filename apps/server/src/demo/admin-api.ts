/** A release as `GET /api/v1/projects/:p/releases/:id` returns it (the fields the demo and the examples read). */
export interface ReleaseView {
  id: string;
  status: 'pending' | 'running' | 'awaiting_approval' | 'paused' | 'rolled_back' | 'completed';
  wave: number;
  percentage: number;
  reason: string | null;
  definition: {
    flag: string;
    environment: string;
    waves: { percentage: number; minBakeSeconds: number }[];
    /** The gates as defined (`@wavegate/core`'s `Gate`). */
    gates?: unknown[];
  };
  waves: { index: number; percentage: number; status: string }[];
  lastDecision: DecisionView | null;
  latestEvaluation: DecisionView | null;
  version: number;
  createdAt: string;
  finishedAt: string | null;
}

/** A decision with its evidence (`decide()`'s result; docs/api.md "Releases"). */
export interface DecisionView {
  decision: 'advance' | 'hold' | 'rollback' | 'complete' | 'await_approval';
  percentage: number;
  reason: string;
  wave: number;
  decisionKey: string;
  alphaPerTest: number;
  gates: GateView[];
  srm: { mismatch: boolean; pValue: number } | null;
}

/** One gate of a decision: its verdict and evidence (counts per arm, estimate, interval, threshold). */
export interface GateView {
  gate: string;
  type: 'compare' | 'limit' | 'alerts';
  verdict: string;
  evidence: {
    reason: string;
    estimate?: number | null;
    lower?: number | null;
    upper?: number | null;
    threshold?: number | null;
    effect?: 'absolute' | 'relative';
    counts?: { treatment: { n: number; x?: number; value: number } | null; control?: { n: number } | null };
  };
}

/** An error answer of the admin API, with the server's code and problems. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly status: number,
    readonly body: {
      error?: { code?: string; message?: string; details?: { problems?: { path?: string; code?: string }[] } };
    },
  ) {
    super(`${status} ${body.error?.code ?? ''}: ${body.error?.message ?? 'request failed'}`);
  }
}

/** A small admin API client over `fetch` (the demo, the examples' tests and simulator scripts use it). */
export class AdminApi {
  readonly url: string;
  constructor(
    url: string,
    private readonly token: string,
  ) {
    this.url = url.replace(/\/+$/, '');
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = text === '' ? null : (JSON.parse(text) as unknown);
    if (!response.ok) throw new AdminApiError(response.status, (parsed ?? {}) as AdminApiError['body']);
    return parsed as T;
  }

  /** Creates a client token for a project × environment and returns its secret. */
  async clientToken(project: string, environment: string, name = 'simulator'): Promise<string> {
    const created = await this.request<{ secret?: string }>('POST', '/api/v1/tokens', {
      kind: 'client',
      name,
      project,
      environment,
    });
    if (created.secret === undefined) throw new Error('the server did not return the token secret');
    return created.secret;
  }

  release(project: string, id: string): Promise<ReleaseView> {
    return this.request('GET', `/api/v1/projects/${enc(project)}/releases/${enc(id)}`);
  }

  async releases(project: string): Promise<ReleaseView[]> {
    return (await this.request<{ releases: ReleaseView[] }>('GET', `/api/v1/projects/${enc(project)}/releases`))
      .releases;
  }

  /** Every decision appended for a release, oldest first (each with its gates' evidence). */
  async decisions(project: string, id: string): Promise<DecisionView[]> {
    const out: DecisionView[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({
        subject: `release:${project}/${id}`,
        kind: 'release.decision',
        limit: '1000',
      });
      if (cursor !== null) query.set('cursor', cursor);
      const page = await this.request<{
        events: { payload: { evidence?: DecisionView } }[];
        nextCursor: string | null;
      }>('GET', `/api/v1/events?${query}`);
      for (const e of page.events) if (e.payload.evidence !== undefined) out.push(e.payload.evidence);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return out;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
