import { compileMatchers, matchesAll } from './matchers.js';
import type { Escalation, RouteConfig } from './notification.types.js';

/** Defaults as in Alertmanager. */
export const ROUTE_DEFAULTS = {
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 4 * 3_600_000,
} as const;

/** A matched route with everything inherited from its parents resolved. */
export interface RouteTarget {
  /** Position in the tree (`0`, `0.2`, `0.2.1`): part of the group key, so two routes never share a group. */
  routeId: string;
  receiver: string;
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  escalate: Escalation | null;
}

interface Inherited {
  receiver: string | undefined;
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  escalate: Escalation | null;
}

function inherit(parent: Inherited, route: RouteConfig): Inherited {
  return {
    receiver: route.receiver ?? parent.receiver,
    groupBy: route.groupBy ?? parent.groupBy,
    groupWaitMs: route.groupWaitMs ?? parent.groupWaitMs,
    groupIntervalMs: route.groupIntervalMs ?? parent.groupIntervalMs,
    repeatIntervalMs: route.repeatIntervalMs ?? parent.repeatIntervalMs,
    escalate: route.escalate ?? parent.escalate,
  };
}

function visit(route: RouteConfig, id: string, parent: Inherited, labels: Record<string, string>): RouteTarget[] {
  if (!matchesAll(compileMatchers(route.matchers), labels)) return [];
  const here = inherit(parent, route);
  const found: RouteTarget[] = [];
  for (const [i, child] of (route.routes ?? []).entries()) {
    const matched = visit(child, `${id}.${i}`, here, labels);
    found.push(...matched);
    if (matched.length > 0 && child.continue !== true) break;
  }
  if (found.length > 0 || here.receiver === undefined) return found;
  const { receiver, ...rest } = here;
  return [{ routeId: id, receiver, ...rest }];
}

/**
 * The routes an alert with these labels goes to: depth first; a child that matches stops its later siblings unless
 * it says `continue`; a node whose children match none is itself the target. The root matches everything.
 */
export function matchRoutes(root: RouteConfig, labels: Record<string, string>): RouteTarget[] {
  const start: Inherited = { receiver: undefined, groupBy: [], ...ROUTE_DEFAULTS, escalate: null };
  return visit({ ...root, matchers: [] }, '0', start, labels);
}

/** The group an alert falls in under a route: the values of its groupBy labels (`...` groups by all labels). */
export function groupLabelsOf(target: RouteTarget, labels: Record<string, string>): Record<string, string> {
  if (target.groupBy.includes('...')) return { ...labels };
  const out: Record<string, string> = {};
  for (const name of [...target.groupBy].sort()) {
    const value = labels[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** A stable key for a project × route × receiver × group labels. */
export function groupKeyOf(project: string, target: RouteTarget, groupLabels: Record<string, string>): string {
  const labels = Object.keys(groupLabels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(groupLabels[k])}`)
    .join(',');
  return `${project}/${target.routeId}/${target.receiver}:{${labels}}`;
}
