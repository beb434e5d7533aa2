import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { renderTemplate } from './go-template.js';

// The Helm chart rendered with its default values (and with the optional objects off), parsed as YAML, and
// checked for the fields Kubernetes and this deployment need. `helm` is not in Debian: go-template.ts renders the
// subset of Go templates the chart uses, and fails on a value path that does not exist.

const chart = new URL('../helm/wavegate/', import.meta.url);
const defaults = parse(readFileSync(new URL('values.yaml', chart), 'utf8')) as Record<string, unknown>;
const chartYaml = parse(readFileSync(new URL('Chart.yaml', chart), 'utf8')) as Record<string, unknown>;

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
} & Record<string, unknown>;

function render(values: Record<string, unknown>): K8sObject[] {
  const root = {
    Values: values,
    Release: { Name: 'wg', Namespace: 'default' },
    Chart: { Name: chartYaml['name'], Version: chartYaml['version'], AppVersion: chartYaml['appVersion'] },
  };
  const objects: K8sObject[] = [];
  for (const file of readdirSync(new URL('templates/', chart)).filter((f) => f.endsWith('.yaml'))) {
    const text = renderTemplate(readFileSync(new URL(`templates/${file}`, chart), 'utf8'), root);
    for (const doc of parseAllDocuments(text)) {
      expect(doc.errors, `${file}: ${doc.errors.join('; ')}\n${text}`).toEqual([]);
      const object = doc.toJS() as K8sObject | null;
      if (object !== null) objects.push(object);
    }
  }
  return objects;
}

const byKind = (objects: K8sObject[], kind: string) => objects.find((o) => o.kind === kind);

describe('Helm chart deploy/helm/wavegate', () => {
  const objects = render(defaults);

  it('renders Kubernetes objects that each have apiVersion, kind and a name', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'Deployment',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
      'ServiceMonitor',
    ]);
    for (const o of objects) {
      expect(o.apiVersion).toMatch(/^[a-z0-9./]+$/);
      expect(o.metadata.name).toBe('wg');
    }
  });

  it('runs non-root and read-only with probes on the health endpoints and secrets from a Secret', () => {
    const deployment = byKind(objects, 'Deployment')!;
    const pod = (deployment.spec['template'] as { spec: Record<string, unknown>; metadata: { labels: object } }).spec;
    expect(pod['securityContext']).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    const [container] = pod['containers'] as Record<string, unknown>[];
    expect(container).toMatchObject({
      image: 'ghcr.io/wavegate/wavegate:0.1.0',
      livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
      readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
      resources: { requests: { cpu: '250m', memory: '256Mi' } },
    });
    const env = container!['env'] as { name: string; value?: string; valueFrom?: unknown }[];
    expect(env.find((e) => e.name === 'DATABASE_URL')).toEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'wavegate', key: 'database-url' } },
    });
    expect(env.find((e) => e.name === 'WAVEGATE_ADMIN_TOKEN')?.valueFrom).toMatchObject({
      secretKeyRef: { name: 'wavegate', key: 'admin-token', optional: true },
    });
    expect(env.filter((e) => e.value !== undefined).every((e) => typeof e.value === 'string')).toBe(true);
  });

  it('points the HPA, PDB, NetworkPolicy, Service and ServiceMonitor at the Deployment and its pods', () => {
    const deployment = byKind(objects, 'Deployment')!;
    const podLabels = (deployment.spec['template'] as { metadata: { labels: Record<string, string> } }).metadata.labels;
    expect(deployment.spec['selector']).toEqual({ matchLabels: podLabels });
    expect(byKind(objects, 'HorizontalPodAutoscaler')!.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: 'wg' },
      minReplicas: 2,
      maxReplicas: 6,
    });
    expect(byKind(objects, 'PodDisruptionBudget')!.spec).toEqual({
      minAvailable: 1,
      selector: { matchLabels: podLabels },
    });
    const policy = byKind(objects, 'NetworkPolicy')!.spec;
    expect(policy['podSelector']).toEqual({ matchLabels: podLabels });
    expect(JSON.stringify(policy['egress'])).toContain('"port":5432');
    expect(byKind(objects, 'Service')!.spec).toMatchObject({
      selector: podLabels,
      ports: [{ name: 'http', targetPort: 'http' }],
    });
    expect(byKind(objects, 'ServiceMonitor')!.spec).toMatchObject({
      selector: { matchLabels: podLabels },
      endpoints: [{ port: 'http', path: '/metrics' }],
    });
  });

  it('leaves out the optional objects when they are disabled', () => {
    const off = structuredClone(defaults) as Record<string, Record<string, unknown>>;
    for (const key of ['autoscaling', 'podDisruptionBudget', 'networkPolicy', 'serviceMonitor'])
      off[key]!['enabled'] = false;
    expect(
      render(off)
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['Deployment', 'Service']);
  });

  it('fails on a value the chart does not define', () => {
    expect(() => renderTemplate('x: {{ .Values.nope.missing }}', { Values: defaults })).toThrow(/no value at/);
  });
});
