import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, api, setCsrfToken, setUnauthenticatedHandler } from './api.js';

export type Role = 'viewer' | 'editor' | 'admin';
export interface User {
  id: string;
  login: string | null;
  name: string | null;
  role: Role;
}

interface SessionAnswer {
  user: User | null;
  csrfToken?: string;
}

interface SessionState {
  /** undefined while the first check runs; null when signed out. */
  user: User | null | undefined;
  login(name: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionState>({ user: null, login: async () => {}, logout: async () => {} });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const accept = useCallback((answer: SessionAnswer) => {
    setCsrfToken(answer.csrfToken);
    setUser(answer.user);
  }, []);
  useEffect(() => {
    setUnauthenticatedHandler(() => accept({ user: null }));
    api<SessionAnswer>('GET', '/api/v1/session').then(accept, (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) accept({ user: null });
      else accept({ user: null });
    });
    return () => setUnauthenticatedHandler(undefined);
  }, [accept]);
  const value: SessionState = {
    user,
    login: async (name, password) =>
      accept(await api<SessionAnswer>('POST', '/api/v1/session', { login: name, password })),
    logout: async () => {
      await api('DELETE', '/api/v1/session').catch(() => {});
      accept({ user: null });
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);

/** Whether the signed-in user's role allows changes of this kind (the server enforces it regardless). */
export function can(user: User | null | undefined, need: Role): boolean {
  const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
  return user !== null && user !== undefined && rank[user.role] >= rank[need];
}
