import { type AnchorHTMLAttributes, createContext, type ReactNode, useContext, useEffect, useState } from 'react';

/** A minimal history router: the path is the state; links push it. No library needed for a dozen pages. */
const PathContext = createContext<{ path: string; navigate(to: string): void }>({
  path: '/',
  navigate: () => {},
});

export function Router({ children, initial }: { children: ReactNode; initial?: string }) {
  const [path, setPath] = useState(initial ?? window.location.pathname + window.location.search);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname + window.location.search);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to: string) => {
    if (to !== path) window.history.pushState(null, '', to);
    setPath(to);
    window.scrollTo?.(0, 0);
    // Move focus to the new page's content (screen readers then read it; Tab continues from there).
    requestAnimationFrame(() => document.getElementById('main')?.focus());
  };
  return <PathContext.Provider value={{ path, navigate }}>{children}</PathContext.Provider>;
}

export const useRouter = () => useContext(PathContext);

/** Matches `pattern` (`/flags/:key`) against the current path; returns the decoded params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const [pathname = ''] = path.split('?');
  const want = pattern.split('/').filter(Boolean);
  const got = pathname.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = got[i] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return params;
}

export function Link({ to, children, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { navigate, path } = useRouter();
  const current = path.split('?')[0] === to;
  return (
    <a
      href={to}
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
      {...rest}
    >
      {children}
    </a>
  );
}
