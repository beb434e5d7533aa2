import { AppError } from '../../platform/errors.js';
import type { DomainState, ProjectState } from '../projection/index.js';

export interface ProjectResource {
  key: string;
  name: string;
  version: number;
  createdAt: string;
}

export function toProjectResource(p: ProjectState): ProjectResource {
  return { key: p.key, name: p.name, version: p.version, createdAt: p.createdAt };
}

/** The project or 404. */
export function requireProject(state: DomainState, key: string): ProjectState {
  const project = state.projects[key];
  if (project === undefined) throw AppError.notFound(`project "${key}"`);
  return project;
}
