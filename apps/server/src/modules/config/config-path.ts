/** A path into a document, as segments: object keys and array indexes. */
export type PathSegments = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$|^[0-9][A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*$/;

/** Formats a path as `flags.checkout-v2.environments.production.rules[0].serve`; odd keys as `["a.b"]`. */
export function formatPath(segments: PathSegments): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
