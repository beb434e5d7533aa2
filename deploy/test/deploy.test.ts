import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// Prometheus rules (promtool check + unit tests), Alertmanager config (amtool), compose file, Grafana dashboard and
// Dockerfile of deploy/. The metric names the rules and the dashboard use must be ones the server exports.

const deploy = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

function tool(bin: string): string {
  if (!existsSync(bin)) {
    const message = `${bin} is missing: install it with scripts/ci-packages.sh (Debian prometheus / prometheus-alertmanager)`;
    if (process.env['CI']) throw new Error(message);
    throw new Error(message);
  }
  return bin;
}

/** Every `wavegate_*` metric name the server source declares, plus the standard series the files rely on. */
function exportedMetrics(): Set<string> {
  const names = new Set(['up', 'http_request_duration_seconds', 'process_resident_memory_bytes']);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/'(wavegate_[a-z_]+)'/g)) names.add(m[1]!);
      }
    }
  };
  walk(fileURLToPath(new URL('../../apps/server/src', import.meta.url)));
  return names;
}

function metricsIn(promql: string): string[] {
  const base = (name: string) => name.replace(/_(bucket|count|sum)$/, '');
  return [...promql.matchAll(/\b((?:wavegate|http|process)_[a-z_]+|up)\b(?=\s*[{[)]|\s*$|\s*[<>=])/g)].map((m) =>
    base(m[1]!),
  );
}

describe('deploy/prometheus and deploy/alertmanager', () => {
  it('alert rules pass promtool check rules and their unit tests', () => {
    const promtool = tool('/usr/bin/promtool');
    expect(execFileSync(promtool, ['check', 'rules', deploy('prometheus/alerts.yml')], { encoding: 'utf8' })).toContain(
      'SUCCESS: 8 rules found',
    );
    const test = execFileSync(promtool, ['test', 'rules', deploy('prometheus/alerts.test.yml')], { encoding: 'utf8' });
    expect(test).toContain('SUCCESS');
  });

  it('rules cover no leader, event-append latency, SSE disconnect storms and dead letters, with runbooks', () => {
    const rules = (
      parse(readFileSync(deploy('prometheus/alerts.yml'), 'utf8')) as {
        groups: { rules: { alert: string; expr: string; annotations: { runbook_url: string } }[] }[];
      }
    ).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'WavegateNoReleaseLeader',
        'WavegateEventAppendSlow',
        'WavegateSseDisconnectStorm',
        'WavegateNotificationDeadLetters',
      ]),
    );
    const operations = readFileSync(fileURLToPath(new URL('../../docs/operations.md', import.meta.url)), 'utf8');
    const known = exportedMetrics();
    for (const rule of rules) {
      expect(rule.annotations.runbook_url).toMatch(new RegExp(`operations\\.md#${rule.alert.toLowerCase()}$`));
      expect(operations, `runbook for ${rule.alert}`).toContain(`### ${rule.alert}`);
      for (const name of metricsIn(rule.expr)) expect(known, `${rule.alert} uses ${name}`).toContain(name);
    }
  });

  it('the Prometheus and Alertmanager configs are valid', () => {
    const amtool = tool('/usr/bin/amtool');
    expect(
      execFileSync(amtool, ['check-config', deploy('alertmanager/alertmanager.yml')], { encoding: 'utf8' }),
    ).toContain('SUCCESS');
    const config = parse(readFileSync(deploy('prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const job = config.scrape_configs.find((c) => c.job_name === 'wavegate')!;
    expect(job.static_configs[0]!.targets).toEqual(['wavegate-1:4242', 'wavegate-2:4242']);
  });
});

describe('deploy/compose.yaml, Grafana and the Dockerfile', () => {
  it('compose runs two replicas on PostgreSQL with Prometheus, Alertmanager and Grafana, mounting files that exist', () => {
    const compose = parse(readFileSync(deploy('compose.yaml'), 'utf8'), { merge: true }) as {
      services: Record<string, { volumes?: string[]; environment?: Record<string, string> }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(
      ['alertmanager', 'grafana', 'postgres', 'prometheus', 'wavegate-1', 'wavegate-2'].sort(),
    );
    expect(compose.services['wavegate-2']!.environment!['DATABASE_URL']).toContain('@postgres:5432/');
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(deploy(source.slice(2))), volume).toBe(true);
      }
    }
  });

  it('the Grafana dashboard queries only series the server exports', () => {
    const dashboard = JSON.parse(readFileSync(deploy('grafana/dashboards/wavegate.json'), 'utf8')) as {
      uid: string;
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('wavegate-overview');
    const known = exportedMetrics();
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsIn(t.expr)));
    expect(used).toEqual(expect.arrayContaining(['wavegate_leader', 'wavegate_event_append_duration_seconds']));
    for (const name of used) expect(known, name).toContain(name);
  });

  it('the Dockerfile is multi-stage, runs as a non-root user and has a HEALTHCHECK on /health/ready', () => {
    const text = readFileSync(deploy('Dockerfile'), 'utf8');
    expect(text.match(/^FROM /gm)).toHaveLength(2);
    expect(text).toMatch(/^USER 10001:10001$/m);
    expect(text).toMatch(/^HEALTHCHECK [^\n]*\\\n[^\n]*\/health\/ready/m);
    // Started with the same Node options as the `wavegate` command's shebang (which `node file` does not read).
    const shebang = readFileSync(new URL('../../apps/server/bin/wavegate.js', import.meta.url), 'utf8').split(
      '\n',
      1,
    )[0]!;
    const options = shebang
      .replace(/^#!\/usr\/bin\/env -S node/, '')
      .trim()
      .split(/\s+/);
    expect(options.length).toBeGreaterThan(0);
    expect(text).toContain(
      `ENTRYPOINT ["node", ${options.map((o) => JSON.stringify(o)).join(', ')}, "apps/server/bin/wavegate.js"]`,
    );
  });
});
