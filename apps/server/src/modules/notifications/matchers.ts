import { RE2JS } from 're2js';

/** A label matcher as Alertmanager writes it: `name="value"`, `name!="v"`, `name=~"re"`, `name!~"re"`. */
export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  /** The compiled, anchored pattern (RE2: linear time) for regex operators. */
  pattern?: RE2JS;
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"\s]*))\s*$/;

/** Parses one matcher; a string message when it is not one. */
export function parseMatcher(text: string): Matcher | string {
  const m = MATCHER.exec(text);
  if (m === null) return 'expected name="value" with one of =, !=, =~, !~';
  const name = m[1]!;
  const op = m[2] as Matcher['op'];
  const value = m[3] !== undefined ? m[3].replace(/\\(["\\])/g, '$1') : (m[4] ?? '');
  if (op === '=~' || op === '!~') {
    try {
      return { name, op, value, pattern: RE2JS.compile(`^(?:${value})$`) };
    } catch (error) {
      return `bad regular expression: ${(error as Error).message}`;
    }
  }
  return { name, op, value };
}

/** Parses matchers, collecting each bad one as `{index, message}`. */
export function parseMatchers(texts: readonly string[]): { matchers: Matcher[]; problems: [number, string][] } {
  const matchers: Matcher[] = [];
  const problems: [number, string][] = [];
  texts.forEach((text, i) => {
    const parsed = parseMatcher(text);
    if (typeof parsed === 'string') problems.push([i, parsed]);
    else matchers.push(parsed);
  });
  return { matchers, problems };
}

/** Parses matchers known to be valid (validated when the settings were stored); bad ones never match. */
export function compileMatchers(texts: readonly string[] | undefined): Matcher[] {
  return (texts ?? []).map((t) => {
    const parsed = parseMatcher(t);
    return typeof parsed === 'string' ? { name: '__invalid__', op: '=', value: '\u0000' } : parsed;
  });
}

/** A missing label counts as the empty string (Alertmanager semantics). */
export function matches(matcher: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const actual = labels[matcher.name] ?? '';
  switch (matcher.op) {
    case '=':
      return actual === matcher.value;
    case '!=':
      return actual !== matcher.value;
    case '=~':
      return matcher.pattern?.matches(actual) ?? false;
    case '!~':
      return !(matcher.pattern?.matches(actual) ?? false);
  }
}

export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => matches(m, labels));
}
