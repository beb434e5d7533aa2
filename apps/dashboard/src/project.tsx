import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { useLiveVersion } from './live.js';
import { useResource } from './use-resource.js';

export interface Project {
  key: string;
  name: string;
}
export interface Environment {
  key: string;
  name: string;
  protected: boolean;
}

interface ProjectState {
  project: string | undefined;
  projects: Project[];
  environments: Environment[];
  select(key: string): void;
}

const ProjectContext = createContext<ProjectState>({ project: undefined, projects: [], environments: [], select() {} });

const STORAGE_KEY = 'wavegate.project';

/** The project the pages show (remembered in localStorage) and its environments. */
export function ProjectProvider({ children }: { children: ReactNode }) {
  const live = useLiveVersion('project:', 'environment:');
  const projects = useResource<{ projects: Project[] }>('/api/v1/projects', live);
  const [chosen, setChosen] = useState<string | undefined>(() => localStorage.getItem(STORAGE_KEY) ?? undefined);
  const list = projects.data?.projects ?? [];
  const project = list.some((p) => p.key === chosen) ? chosen : list[0]?.key;
  const environments = useResource<{ environments: Environment[] }>(
    project === undefined ? null : `/api/v1/projects/${encodeURIComponent(project)}/environments`,
    live,
  );
  useEffect(() => {
    if (project !== undefined) localStorage.setItem(STORAGE_KEY, project);
  }, [project]);
  return (
    <ProjectContext.Provider
      value={{ project, projects: list, environments: environments.data?.environments ?? [], select: setChosen }}
    >
      {children}
    </ProjectContext.Provider>
  );
}

export const useProject = () => useContext(ProjectContext);
