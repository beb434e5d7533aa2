import { isIP } from 'node:net';
import { RE2JS } from 're2js';
import type { ConfigProblem, ConfigResult } from './config.types.js';
import type {
  EnvRef,
  InhibitRule,
  NotificationSettings,
  ReceiverConfig,
  RouteConfig,
  SecretValue,
} from './notifications.types.js';

/** Options of the check that depend on the server, not the document. */
export interface NotificationsCheckOptions {
  /** `--allow-private-webhooks`: receivers may point at private addresses. */
  allowPrivateWebhooks?: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"\s]*))\s*$/;
const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s` → 30000; undefined when not a duration. */
export function parseNotificationDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DURATION.exec(text.trim());
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** 30000 → `30s` (the largest unit that divides it). */
export function formatNotificationDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const unit of ['d', 'h', 'm', 's'] as const)
    if (ms % UNIT_MS[unit]! === 0 && ms > 0) return `${ms / UNIT_MS[unit]!}${unit}`;
  return `${ms}ms`;
}

/** A matcher's problem, or null when it is one (`name="v"`, `!=`, `=~`, `!~`; regexes in RE2 syntax). */
export function matcherProblem(text: unknown): string | null {
  if (typeof text !== 'string') return 'a matcher is a string such as severity="critical"';
  const m = MATCHER.exec(text);
  if (m === null) return 'expected name="value" with one of =, !=, =~, !~';
  if (m[2] === '=~' || m[2] === '!~') {
    try {
      RE2JS.compile(m[3] ?? m[4] ?? '');
    } catch (error) {
      return `bad regular expression: ${(error as Error).message}`;
    }
  }
  return null;
}

const PRIVATE_V4 = [
  /^0\./,
  /^10\./,
  /^127\./,
  /^169\.254\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^192\.168\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

function privateLiteral(host: string): boolean {
  const h = host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return PRIVATE_V4.some((re) => re.test(h));
  if (isIP(h) === 6) return h === '::1' || h === '::' || /^f[cd]/.test(h) || /^fe[89ab]/.test(h) || /^::ffff:/.test(h);
  return false;
}

class Checker {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly options: NotificationsCheckOptions) {}

  add(path: string, code: string, message: string): void {
    this.problems.push({ path, code, message });
  }

  keys(value: Obj, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key))
        this.add(`${path}.${key}`, 'unknown_field', `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }

  string(value: unknown, path: string, required = true): string | undefined {
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') this.add(path, 'invalid_type', 'a non-empty string is expected');
    else return value;
    return undefined;
  }

  strings(value: unknown, path: string): string[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      this.add(path, 'invalid_type', 'a list of strings is expected');
      return undefined;
    }
    return value as string[];
  }

  envRef(value: unknown, path: string): EnvRef | undefined {
    if (isObj(value) && typeof value.env === 'string' && ENV_NAME.test(value.env) && Object.keys(value).length === 1) {
      return { env: value.env };
    }
    this.add(path, 'secret_not_referenced', 'a secret is written as {env: VARIABLE_NAME}, never as the value itself');
    return undefined;
  }

  duration(value: unknown, path: string): number | undefined {
    if (value === undefined) return undefined;
    const ms = parseNotificationDuration(value);
    if (ms === undefined) this.add(path, 'bad_duration', 'a duration such as 30s, 5m, 4h or 1d is expected');
    return ms;
  }

  matchers(value: unknown, path: string): string[] | undefined {
    const list = this.strings(value, path);
    list?.forEach((m, i) => {
      const problem = matcherProblem(m);
      if (problem !== null) this.add(`${path}[${i}]`, 'bad_matcher', problem);
    });
    return list;
  }

  url(value: SecretValue | undefined, path: string, allowHosts: readonly string[]): void {
    if (value === undefined || typeof value !== 'string') return;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.add(path, 'bad_url', 'not a URL');
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      this.add(path, 'bad_url', 'only http and https URLs are allowed');
      return;
    }
    const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const allowed = this.options.allowPrivateWebhooks === true || allowHosts.map((h) => h.toLowerCase()).includes(host);
    if (!allowed && privateLiteral(host)) {
      this.add(
        path,
        'private_address',
        `${host} is a private, loopback or link-local address; allow it for this receiver with allowPrivateHosts, or for every receiver by starting the server with "wavegate serve --allow-private-webhooks"`,
      );
    }
  }
}

const COMMON = ['type', 'allowPrivateHosts', 'timeout'];
const FIELDS: Record<ReceiverConfig['type'], string[]> = {
  webhook: ['url', 'secret'],
  slack: ['url', 'channel'],
  pagerduty: ['routingKey', 'url'],
  email: ['to', 'from', 'smtp'],
  alertmanager: ['url'],
};

function receiver(c: Checker, value: unknown, path: string): ReceiverConfig | undefined {
  if (!isObj(value)) {
    c.add(path, 'invalid_type', 'a receiver is an object with a type');
    return undefined;
  }
  const type = value.type as ReceiverConfig['type'];
  if (FIELDS[type] === undefined) {
    c.add(`${path}.type`, 'bad_receiver_type', `one of ${Object.keys(FIELDS).join(', ')}`);
    return undefined;
  }
  c.keys(value, path, [...COMMON, ...FIELDS[type]]);
  const allowHosts = c.strings(value.allowPrivateHosts, `${path}.allowPrivateHosts`) ?? [];
  const timeoutMs = c.duration(value.timeout, `${path}.timeout`);
  const base = {
    ...(value.allowPrivateHosts === undefined ? {} : { allowPrivateHosts: allowHosts }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
  const urlOf = (v: unknown, p: string): SecretValue | undefined =>
    isObj(v) ? c.envRef(v, p) : (c.string(v, p) as SecretValue | undefined);
  switch (type) {
    case 'webhook': {
      const url = urlOf(value.url, `${path}.url`);
      c.url(url, `${path}.url`, allowHosts);
      const secret = value.secret === undefined ? undefined : c.envRef(value.secret, `${path}.secret`);
      return url === undefined ? undefined : { type, url, ...(secret === undefined ? {} : { secret }), ...base };
    }
    case 'slack': {
      const url = c.envRef(value.url, `${path}.url`);
      const channel = c.string(value.channel, `${path}.channel`, false);
      return url === undefined ? undefined : { type, url, ...(channel === undefined ? {} : { channel }), ...base };
    }
    case 'pagerduty': {
      const routingKey = c.envRef(value.routingKey, `${path}.routingKey`);
      const url = c.string(value.url, `${path}.url`, false);
      c.url(url, `${path}.url`, allowHosts);
      return routingKey === undefined
        ? undefined
        : { type, routingKey, ...(url === undefined ? {} : { url }), ...base };
    }
    case 'alertmanager': {
      const url = c.string(value.url, `${path}.url`);
      c.url(url, `${path}.url`, allowHosts);
      return url === undefined ? undefined : { type, url, ...base };
    }
    case 'email':
      return email(c, value, path, base);
  }
}

function email(c: Checker, value: Obj, path: string, base: object): ReceiverConfig | undefined {
  const to = c.strings(value.to, `${path}.to`);
  if (to === undefined || to.length === 0) c.add(`${path}.to`, 'required', 'at least one address');
  const from = c.string(value.from, `${path}.from`);
  const smtp = value.smtp;
  if (!isObj(smtp)) {
    c.add(`${path}.smtp`, 'required', 'smtp: {host, port?, secure?, user?, password?: {env: NAME}}');
    return undefined;
  }
  c.keys(smtp, `${path}.smtp`, ['host', 'port', 'secure', 'user', 'password']);
  const host = c.string(smtp.host, `${path}.smtp.host`);
  if (
    smtp.port !== undefined &&
    !(Number.isInteger(smtp.port) && (smtp.port as number) > 0 && (smtp.port as number) < 65536)
  ) {
    c.add(`${path}.smtp.port`, 'invalid_type', 'a port number');
  }
  if (smtp.secure !== undefined && typeof smtp.secure !== 'boolean')
    c.add(`${path}.smtp.secure`, 'invalid_type', 'true or false');
  const user = c.string(smtp.user, `${path}.smtp.user`, false);
  const password = smtp.password === undefined ? undefined : c.envRef(smtp.password, `${path}.smtp.password`);
  if (to === undefined || from === undefined || host === undefined) return undefined;
  return {
    type: 'email',
    to,
    from,
    smtp: {
      host,
      ...(smtp.port === undefined ? {} : { port: smtp.port as number }),
      ...(smtp.secure === undefined ? {} : { secure: smtp.secure as boolean }),
      ...(user === undefined ? {} : { user }),
      ...(password === undefined ? {} : { password }),
    },
    ...base,
  };
}

const ROUTE_FIELDS = [
  'receiver',
  'matchers',
  'groupBy',
  'groupWait',
  'groupInterval',
  'repeatInterval',
  'continue',
  'escalate',
  'routes',
];

function route(c: Checker, value: unknown, path: string, receivers: Set<string>, depth: number): RouteConfig {
  if (!isObj(value)) {
    c.add(path, 'invalid_type', 'a route is an object');
    return {};
  }
  if (depth > 8) c.add(path, 'too_deep', 'routes nest at most 8 levels');
  c.keys(value, path, ROUTE_FIELDS);
  const out: RouteConfig = {};
  const receiverName = c.string(value.receiver, `${path}.receiver`, depth > 0);
  if (receiverName !== undefined) {
    if (!receivers.has(receiverName))
      c.add(`${path}.receiver`, 'unknown_receiver', `no receiver named ${receiverName}`);
    out.receiver = receiverName;
  }
  const matchers = c.matchers(value.matchers, `${path}.matchers`);
  if (matchers !== undefined) out.matchers = matchers;
  const groupBy = c.strings(value.groupBy, `${path}.groupBy`);
  if (groupBy !== undefined) out.groupBy = groupBy;
  for (const [field, key] of [
    ['groupWait', 'groupWaitMs'],
    ['groupInterval', 'groupIntervalMs'],
    ['repeatInterval', 'repeatIntervalMs'],
  ] as const) {
    const ms = c.duration(value[field], `${path}.${field}`);
    if (ms !== undefined) out[key] = ms;
  }
  if (value.continue !== undefined) {
    if (typeof value.continue !== 'boolean') c.add(`${path}.continue`, 'invalid_type', 'true or false');
    else out.continue = value.continue;
  }
  if (value.escalate !== undefined) {
    const e = value.escalate;
    if (!isObj(e)) c.add(`${path}.escalate`, 'invalid_type', 'escalate: {after: 15m, receiver: name}');
    else {
      c.keys(e, `${path}.escalate`, ['after', 'receiver']);
      const afterMs = c.duration(e.after ?? '', `${path}.escalate.after`);
      const to = c.string(e.receiver, `${path}.escalate.receiver`);
      if (to !== undefined && !receivers.has(to))
        c.add(`${path}.escalate.receiver`, 'unknown_receiver', `no receiver named ${to}`);
      if (afterMs !== undefined && to !== undefined) out.escalate = { afterMs, receiver: to };
    }
  }
  if (value.routes !== undefined) {
    if (!Array.isArray(value.routes)) c.add(`${path}.routes`, 'invalid_type', 'a list of routes');
    else out.routes = value.routes.map((r, i) => route(c, r, `${path}.routes[${i}]`, receivers, depth + 1));
  }
  return out;
}

function inhibitRule(c: Checker, value: unknown, path: string): InhibitRule | undefined {
  if (!isObj(value)) {
    c.add(path, 'invalid_type', 'an inhibit rule is {sourceMatchers, targetMatchers, equal?}');
    return undefined;
  }
  c.keys(value, path, ['sourceMatchers', 'targetMatchers', 'equal']);
  const sourceMatchers = c.matchers(value.sourceMatchers ?? [], `${path}.sourceMatchers`) ?? [];
  const targetMatchers = c.matchers(value.targetMatchers ?? [], `${path}.targetMatchers`) ?? [];
  if (targetMatchers.length === 0) c.add(`${path}.targetMatchers`, 'required', 'at least one matcher');
  const equal = c.strings(value.equal, `${path}.equal`);
  return { sourceMatchers, targetMatchers, ...(equal === undefined ? {} : { equal }) };
}

/**
 * Validates and normalizes a `notifications:` section (durations → ms). Every problem at once, with paths
 * under `path`. Secrets must be `{env: NAME}`; URLs to private literal addresses are refused unless allowed (host
 * names are checked again, resolved, when sending).
 */
export function validateNotificationsSection(
  value: unknown,
  options: NotificationsCheckOptions = {},
  path = 'notifications',
): ConfigResult<NotificationSettings> {
  const c = new Checker(options);
  if (!isObj(value)) return { ok: false, problems: [{ path, code: 'invalid_type', message: 'an object is expected' }] };
  c.keys(value, path, ['receivers', 'route', 'inhibitRules']);
  const receivers: Record<string, ReceiverConfig> = {};
  if (!isObj(value.receivers)) c.add(`${path}.receivers`, 'required', 'a map of receivers by name');
  else {
    for (const [name, r] of Object.entries(value.receivers)) {
      if (!NAME.test(name)) c.add(`${path}.receivers.${name}`, 'bad_name', 'letters, digits, _ . - (at most 63)');
      const parsed = receiver(c, r, `${path}.receivers.${name}`);
      if (parsed !== undefined) receivers[name] = parsed;
    }
  }
  const names = new Set(Object.keys(isObj(value.receivers) ? value.receivers : {}));
  if (value.route === undefined) c.add(`${path}.route`, 'required', 'the root route (with a receiver)');
  const root = value.route === undefined ? {} : route(c, value.route, `${path}.route`, names, 0);
  if (isObj(value.route) && value.route.matchers !== undefined) {
    c.add(
      `${path}.route.matchers`,
      'root_matchers',
      'the root route matches every alert; put matchers on child routes',
    );
  }
  let inhibitRules: InhibitRule[] = [];
  if (value.inhibitRules !== undefined) {
    if (!Array.isArray(value.inhibitRules)) c.add(`${path}.inhibitRules`, 'invalid_type', 'a list of inhibit rules');
    else inhibitRules = value.inhibitRules.flatMap((r, i) => inhibitRule(c, r, `${path}.inhibitRules[${i}]`) ?? []);
  }
  if (c.problems.length > 0) return { ok: false, problems: c.problems };
  return { ok: true, value: { receivers, route: root, inhibitRules } };
}
