import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Median of a list of numbers (mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Number of online CPUs, node version and CPU model (from /proc/cpuinfo when readable). */
export function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) model = line.split(':')[1].trim();
  } catch {
    // not Linux: keep os.cpus()'s answer
  }
  return { nproc: cpus().length, node: process.version, cpu: model };
}

/** Formats nanoseconds for a table: one decimal under 100 ns, whole numbers above. */
export function ns(x) {
  return x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US');
}

/** A markdown table with padded columns (as Biome formats them); `align` holds 'l' or 'r' per column. */
export function markdownTable(header, align, rows) {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const cell = (text, c) => (align[c] === 'r' ? text.padStart(widths[c]) : text.padEnd(widths[c]));
  const line = (cells) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (align[c] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The repository's HEAD commit (short), or 'unknown' outside a git checkout. */
export function gitHead() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
