import { Loading } from './components/states.js';
import { LiveProvider, useLive } from './live.js';
import { AccountPage } from './pages/account.js';
import { AlertsPage } from './pages/alerts.js';
import { AuditPage } from './pages/audit.js';
import { ChangeRequestsPage } from './pages/change-requests.js';
import { FlagDetailPage } from './pages/flag-detail.js';
import { FlagsPage } from './pages/flags.js';
import { InsightsPage } from './pages/insights.js';
import { LoginPage } from './pages/login.js';
import { ReleaseDetailPage } from './pages/release-detail.js';
import { ReleasesPage } from './pages/releases.js';
import { TokensPage } from './pages/tokens.js';
import { UsersPage } from './pages/users.js';
import { ProjectProvider, useProject } from './project.js';
import { Link, match, useRouter } from './router.js';
import { can, SessionProvider, useSession } from './session.js';

const NAV = [
  ['/flags', 'Flags', 'viewer'],
  ['/releases', 'Releases', 'viewer'],
  ['/changes', 'Change requests', 'viewer'],
  ['/alerts', 'Alerts', 'viewer'],
  ['/insights', 'Insights', 'viewer'],
  ['/audit', 'Audit log', 'viewer'],
  ['/tokens', 'Tokens', 'admin'],
  ['/users', 'Users', 'admin'],
] as const;

/** The pages a user's role may open (admin-only pages are hidden from others; the server refuses them anyway). */
export const navFor = (user: Parameters<typeof can>[0]) => NAV.filter(([, , role]) => can(user, role));

function Page() {
  const { path } = useRouter();
  const { user } = useSession();
  const flag = match('/flags/:key', path);
  if (flag) return <FlagDetailPage key={flag['key']} flagKey={flag['key'] ?? ''} />;
  const release = match('/releases/:id', path);
  if (release) return <ReleaseDetailPage key={release['id']} id={release['id'] ?? ''} />;
  if (match('/releases', path)) return <ReleasesPage />;
  if (match('/changes', path)) return <ChangeRequestsPage />;
  if (match('/alerts', path)) return <AlertsPage />;
  if (match('/insights', path)) return <InsightsPage />;
  if (match('/audit', path)) return <AuditPage />;
  if (match('/tokens', path)) return <TokensPage />;
  if (match('/users', path)) return can(user, 'admin') ? <UsersPage /> : <FlagsPage />;
  if (match('/account', path)) return <AccountPage />;
  return <FlagsPage />;
}

function Shell() {
  const { user, logout } = useSession();
  const { project, projects, select } = useProject();
  const { connected } = useLive();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <strong className="brand">Wavegate</strong>
        <nav aria-label="Main">
          {navFor(user).map(([to, label]) => (
            <Link key={to} to={to}>
              {label}
            </Link>
          ))}
        </nav>
        <div className="who">
          <label>
            <span className="sr-only">Project</span>
            <select value={project ?? ''} onChange={(e) => select(e.target.value)}>
              {projects.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.name || p.key}
                </option>
              ))}
            </select>
          </label>
          <span className={connected ? 'live on' : 'live'} title={connected ? 'Live updates on' : 'Reconnecting…'}>
            {connected ? '● live' : '○ offline'}
          </span>
          <Link to="/account">
            {user?.login} ({user?.role})
          </Link>
          <button type="button" onClick={logout}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
    </>
  );
}

function Gate() {
  const { user } = useSession();
  if (user === undefined) return <Loading what="Checking your session" />;
  if (user === null) return <LoginPage />;
  return (
    <LiveProvider>
      <ProjectProvider>
        <Shell />
      </ProjectProvider>
    </LiveProvider>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}
