import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, repOnly, setUnauthenticatedHandler, type Me, type Role } from './api.ts';
import { Forbidden, Loading, Page } from './components/common.tsx';
import { Dashboards } from './pages/Dashboards.tsx';
import { Outcomes } from './pages/Outcomes.tsx';
import { LeadStoryPage } from './pages/LeadStory.tsx';
import { Leads } from './pages/Leads.tsx';
import { Licences, RepLicencesPage } from './pages/Licences.tsx';
import { MePage } from './pages/Me.tsx';
import { Pools } from './pages/Pools.tsx';
import { RosterPage } from './pages/Roster.tsx';
import { AlertCount } from './components/roster/AlertCount.tsx';
import { UnreadCount } from './components/inbox/UnreadCount.tsx';
import { InboxPageView } from './pages/Inbox.tsx';
import { ReviewDetail } from './pages/ReviewDetail.tsx';
import { ReviewQueue } from './pages/ReviewQueue.tsx';
import { OrgDraftPage } from './pages/OrgDrafts.tsx';
import { Rules } from './pages/Rules.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Account } from './pages/Account.tsx';
import { Welcome } from './pages/Welcome.tsx';
import { Link, match, navigate, useLocation } from './router.tsx';
import { useConsoleHeartbeat } from './heartbeat.ts';

const ANALYSTS: readonly Role[] = ['admin', 'ops', 'compliance'];

interface NavItem {
  readonly to: string;
  readonly label: string;
  readonly roles: readonly Role[];
}
const NAV: readonly NavItem[] = [
  { to: '/inbox', label: 'Inbox', roles: ['admin', 'ops', 'compliance', 'rep'] },
  { to: '/review', label: 'Review queue', roles: ANALYSTS },
  { to: '/leads', label: 'Leads', roles: ['admin', 'ops', 'compliance', 'rep'] },
  { to: '/me', label: 'Me', roles: ['rep'] },
  { to: '/licences', label: 'Licence matrix', roles: ANALYSTS },
  { to: '/roster', label: 'Roster', roles: ANALYSTS },
  { to: '/pools', label: 'Pools', roles: ANALYSTS },
  { to: '/dashboards', label: 'Dashboards', roles: ANALYSTS },
  { to: '/outcomes', label: 'Outcomes', roles: ANALYSTS },
  { to: '/rules', label: 'Rules & simulation', roles: ANALYSTS },
];

/** Pages by path; `roles` is what the console offers — the API enforces the same on its side. */
function route(pathname: string, me: Me): { node: ReactNode; roles: readonly Role[]; area: string } {
  let p: Record<string, string> | null;
  if ((p = match('/review/:id', pathname))) return { node: <ReviewDetail id={p.id!} me={me} />, roles: ANALYSTS, area: 'The review queue' };
  if (match('/review', pathname)) return { node: <ReviewQueue me={me} />, roles: ANALYSTS, area: 'The review queue' };
  if ((p = match('/leads/:id', pathname)))
    return { node: <LeadStoryPage id={p.id!} me={me} />, roles: ['admin', 'ops', 'compliance', 'rep'], area: 'Lead stories' };
  if (match('/me', pathname)) return { node: <MePage me={me} />, roles: ['rep'], area: 'The rep self-service area' };
  if (match('/leads', pathname)) return { node: <Leads me={me} />, roles: ['admin', 'ops', 'compliance', 'rep'], area: 'Leads' };
  if ((p = match('/licences/reps/:repId', pathname)))
    return { node: <RepLicencesPage repId={p.repId!} />, roles: ANALYSTS, area: 'The licence matrix' };
  if (match('/licences', pathname)) return { node: <Licences />, roles: ANALYSTS, area: 'The licence matrix' };
  if (match('/roster', pathname)) return { node: <RosterPage me={me} />, roles: ANALYSTS, area: 'The roster' };
  if (match('/pools', pathname)) return { node: <Pools me={me} />, roles: ANALYSTS, area: 'Pools' };
  if (match('/dashboards', pathname)) return { node: <Dashboards />, roles: ANALYSTS, area: 'Dashboards' };
  if (match('/outcomes', pathname)) return { node: <Outcomes />, roles: ANALYSTS, area: 'Outcomes' };
  if ((p = match('/rules/drafts/:id', pathname)))
    return { node: <OrgDraftPage id={p.id!} me={me} />, roles: ANALYSTS, area: 'Rules and simulation' };
  if (match('/rules', pathname)) return { node: <Rules me={me} />, roles: ANALYSTS, area: 'Rules and simulation' };
  if (match('/inbox', pathname)) return { node: <InboxPageView />, roles: ['admin', 'ops', 'compliance', 'rep'], area: 'My inbox' };
  if (match('/account', pathname)) return { node: <Account me={me} />, roles: ['admin', 'ops', 'compliance', 'rep'], area: 'My account' };
  return {
    node: (
      <Page title="Page not found">
        <p>
          There is no console page at <code>{pathname}</code>. <Link to="/">Go to the start page</Link>.
        </p>
      </Page>
    ),
    roles: ['admin', 'ops', 'compliance', 'rep'],
    area: '',
  };
}

/** The bar above every page: brand, the pages this role may open, who is signed in. */
function TopBar({ me, pathname, onSignOut }: { me: Me; pathname: string; onSignOut: () => void }) {
  return (
    <header className="topbar">
      <div className="brand">
        <span aria-hidden="true">◆</span> Remit console
      </div>
      <nav aria-label="Main">
        <ul>
          {NAV.filter((n) => me.roles.some((r) => n.roles.includes(r))).map((n) => {
            const active = pathname === n.to || pathname.startsWith(`${n.to}/`);
            return (
              <li key={n.to}>
                <Link to={n.to} aria-current={active ? 'page' : undefined}>
                  {n.label}
                  {n.to === '/roster' && <AlertCount />}
                  {n.to === '/inbox' && <UnreadCount />}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="whoami">
        <span data-testid="whoami">
          {me.name} · <strong>{me.roles.join(', ')}</strong>
          {me.repId ? ` (${me.repId})` : ''}
        </span>
        <Link to="/account" aria-current={pathname === '/account' ? 'page' : undefined}>
          My account
        </Link>
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

export function App() {
  const { pathname } = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useConsoleHeartbeat(me);

  const refresh = useCallback(async () => {
    try {
      setMe(await api<Me>('GET', '/v1/session'));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setMe(null);
      else setMe(null);
    }
  }, []);
  useEffect(() => {
    setUnauthenticatedHandler(() => setMe(null));
    void refresh();
  }, [refresh]);

  // A one-time sign-in link works whoever is (or is not) signed in here.
  if (match('/welcome', pathname))
    return (
      <Welcome
        onSignedIn={(m) => {
          setMe(m);
          navigate('/', { replace: true });
        }}
      />
    );
  if (me === undefined) return <Loading what="your session" />;
  if (me === null) return <SignIn onSignedIn={(m) => setMe(m)} />;

  const home = repOnly(me) ? '/leads' : '/review';
  if (pathname === '/' || pathname === '') {
    navigate(home, { replace: true });
    return null;
  }
  const current = route(pathname, me);
  const allowed = me.roles.some((r) => current.roles.includes(r));
  const signOut = async () => {
    await api('DELETE', '/v1/session').catch(() => undefined);
    setMe(null);
    navigate('/', { replace: true });
  };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <TopBar me={me} pathname={pathname} onSignOut={() => void signOut()} />
      <main id="main">
        {allowed ? (
          current.node
        ) : (
          <Page title="Access denied">
            <Forbidden
              what={
                `${current.area} is not available to the ${me.roles.join(', ')} role. ` +
                'The API refuses these requests for this role as well.'
              }
            />
            <p>
              <Link to={home}>Back to your start page</Link>
            </p>
          </Page>
        )}
      </main>
      <footer className="footer">
        <p>
          Remit · <a href="/docs">API documentation</a>
        </p>
      </footer>
    </>
  );
}
