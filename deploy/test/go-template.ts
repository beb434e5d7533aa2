import { stringify } from 'yaml';

/**
 * A small renderer for the subset of Go templates (Helm) the chart in deploy/helm uses: `{{ .Values.a.b }}`,
 * `.Release.*`, `.Chart.*`, string and number literals, pipes to `quote`, `toYaml`, `nindent N`, `indent N`,
 * `default X`, `{{ if }} / {{ else }} / {{ end }}`, `{{ range }}` (with `.` the item) and the `{{-` / `-}}` trim
 * markers. Stricter than Helm: a path that does not exist in the values throws, so a typo fails the test.
 */
type Scope = { root: Record<string, unknown>; dot: unknown };
type Node =
  | { t: 'text'; text: string }
  | { t: 'expr'; expr: string }
  | { t: 'if'; cond: string; yes: Node[]; no: Node[] }
  | { t: 'range'; expr: string; body: Node[] };

interface Token {
  text?: string;
  action?: string;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\{\{(-?)\s*(.*?)\s*(-?)\}\}/gs;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) {
    let text = source.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-') text = text.replace(/\s+$/, '');
    tokens.push({ text }, { action: m[2] ?? '' });
    trimNext = m[3] === '-';
    last = m.index + m[0].length;
  }
  let rest = source.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  tokens.push({ text: rest });
  return tokens;
}

function parse(tokens: Token[], at: { i: number }, stop: string[]): { nodes: Node[]; ended: string } {
  const nodes: Node[] = [];
  while (at.i < tokens.length) {
    const token = tokens[at.i++]!;
    if (token.text !== undefined) {
      if (token.text !== '') nodes.push({ t: 'text', text: token.text });
      continue;
    }
    const action = token.action!;
    const word = action.split(/\s+/)[0]!;
    if (stop.includes(word)) return { nodes, ended: word };
    if (word === 'if') {
      const then = parse(tokens, at, ['else', 'end']);
      const otherwise = then.ended === 'else' ? parse(tokens, at, ['end']).nodes : [];
      nodes.push({ t: 'if', cond: action.slice(2).trim(), yes: then.nodes, no: otherwise });
    } else if (word === 'range') {
      nodes.push({ t: 'range', expr: action.slice(5).trim(), body: parse(tokens, at, ['end']).nodes });
    } else nodes.push({ t: 'expr', expr: action });
  }
  if (stop.length > 0) throw new Error(`template: missing {{ end }}`);
  return { nodes, ended: '' };
}

function lookup(scope: Scope, term: string): unknown {
  if (term === '.') return scope.dot;
  if (/^".*"$/.test(term)) return JSON.parse(term);
  if (/^-?\d+(\.\d+)?$/.test(term)) return Number(term);
  if (!term.startsWith('.')) throw new Error(`template: unsupported term ${term}`);
  let value: unknown = scope.root;
  for (const part of term.slice(1).split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value))
      throw new Error(`template: no value at ${term}`);
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function apply(fn: string, value: unknown, arg: unknown): unknown {
  if (fn === 'quote') return JSON.stringify(show(value));
  if (fn === 'toYaml') return stringify(value).trimEnd();
  if (fn === 'nindent') return `\n${indent(show(value), Number(arg))}`;
  if (fn === 'indent') return indent(show(value), Number(arg));
  if (fn === 'default') return truthy(value) ? value : arg;
  throw new Error(`template: unsupported function ${fn}`);
}

// `a | f x` passes a as the last argument of f; a first segment `f x` calls f on x (toYaml, quote).
function evaluate(scope: Scope, expr: string): unknown {
  const [first, ...pipes] = expr.split('|').map((s) => s.trim());
  const [head, ...headArgs] = first!.split(/\s+/);
  let value = headArgs.length === 0 ? lookup(scope, head!) : apply(head!, lookup(scope, headArgs[0]!), undefined);
  for (const pipe of pipes) {
    const [fn, ...args] = pipe.split(/\s+/);
    value = apply(fn!, value, args[0] === undefined ? undefined : lookup(scope, args[0]));
  }
  return value;
}

function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((line) => ' '.repeat(n) + line)
    .join('\n');
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return value !== false && value !== 0 && value !== '' && value !== null && value !== undefined;
}

function run(nodes: Node[], scope: Scope): string {
  let out = '';
  for (const node of nodes) {
    if (node.t === 'text') out += node.text;
    else if (node.t === 'expr') out += show(evaluate(scope, node.expr));
    else if (node.t === 'if') out += run(truthy(evaluate(scope, node.cond)) ? node.yes : node.no, scope);
    else {
      const items = evaluate(scope, node.expr);
      for (const item of Array.isArray(items) ? items : Object.values(items ?? {})) {
        out += run(node.body, { ...scope, dot: item });
      }
    }
  }
  return out;
}

/** Renders `source` with `{Values, Release, Chart}` as the root. */
export function renderTemplate(source: string, root: Record<string, unknown>): string {
  return run(parse(tokenize(source), { i: 0 }, []).nodes, { root, dot: root });
}
