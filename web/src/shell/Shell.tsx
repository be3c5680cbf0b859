// The signed-in app: navigation, the page, the task drawer, quick add, and what is live or waiting to sync.
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { api, describeError } from '../api/client.ts';
import type { Org, User } from '../api/types.ts';
import { forgetQueryCache, keepLoadedAssets } from '../offline/cache.ts';
import { SyncConflicts } from '../offline/Conflicts.tsx';
import { useQueuedComments } from '../offline/comments.ts';
import { useQueuedChanges } from '../offline/queue.ts';
import { List } from '../pages/List.tsx';
import { MyWork } from '../pages/MyWork.tsx';
import { Today } from '../pages/Today.tsx';
import { hasJobsTodayCached, prefetchFieldDay } from '../today/fieldDay.ts';
import { NotificationBell } from '../notifications/NotificationBell.tsx';
import { Avatar } from '../tasks/bits.tsx';
import { TaskDrawer } from '../tasks/TaskDrawer.tsx';
import { useTaskDrawer } from './drawerRoute.ts';
import { type GoTo, shortcutList, useShortcut } from './keyboard.ts';
import { useLiveUpdates } from './live.ts';
import { lazyPage } from './lazyPage.tsx';
import { Modal } from './Modal.tsx';
import { useOnline } from './online.ts';
import { showToast } from './toasts.tsx';

// The board (drag and drop), quick add (the date parser), settings and the record pages
// load on first use, and in the background once the app is idle, so they work offline
// too. A page renders at once when its code is already there (see lazyPage).
const loadQuickAdd = () => import('../quickadd/QuickAdd.tsx').then((m) => ({ default: m.QuickAdd }));
const QuickAdd = lazy(loadQuickAdd);
const loadRecordList = () => import('../pages/RecordList.tsx');
const loadRecordDetail = () => import('../pages/RecordDetail.tsx');
const preloaded = {
  board: lazyPage(() => import('../pages/Board.tsx').then((m) => m.Board)),
  settings: lazyPage(() => import('../pages/Settings.tsx').then((m) => m.Settings)),
  calendar: lazyPage(() => import('../pages/Calendar.tsx').then((m) => m.Calendar)),
  leads: lazyPage(() => import('../pages/Leads.tsx').then((m) => m.Leads)),
  clients: lazyPage(() => loadRecordList().then((m) => m.Clients)),
  jobs: lazyPage(() => loadRecordList().then((m) => m.Jobs)),
  services: lazyPage(() => loadRecordList().then((m) => m.Services)),
  contacts: lazyPage(() => loadRecordList().then((m) => m.Contacts)),
  leadDetail: lazyPage(() => loadRecordDetail().then((m) => m.LeadDetail)),
  clientDetail: lazyPage(() => loadRecordDetail().then((m) => m.ClientDetail)),
  jobDetail: lazyPage(() => loadRecordDetail().then((m) => m.JobDetail)),
  serviceDetail: lazyPage(() => loadRecordDetail().then((m) => m.ServiceDetail)),
  contactDetail: lazyPage(() => loadRecordDetail().then((m) => m.ContactDetail)),
};
const Board = preloaded.board.Page;
const Settings = preloaded.settings.Page;
const Calendar = preloaded.calendar.Page;
const Leads = preloaded.leads.Page;
const Clients = preloaded.clients.Page;
const Jobs = preloaded.jobs.Page;
const Services = preloaded.services.Page;
const Contacts = preloaded.contacts.Page;
const LeadDetail = preloaded.leadDetail.Page;
const ClientDetail = preloaded.clientDetail.Page;
const JobDetail = preloaded.jobDetail.Page;
const ServiceDetail = preloaded.serviceDetail.Page;
const ContactDetail = preloaded.contactDetail.Page;
const NotificationsPage = lazyPage(() => import('../notifications/NotificationsPage.tsx').then((m) => m.NotificationsPage)).Page;
const Reports = lazyPage(() => import('../pages/Reports.tsx').then((m) => m.Reports)).Page;
const Automation = lazyPage(() => import('../pages/Automation.tsx').then((m) => m.Automation)).Page;
const Dispatch = lazyPage(() => import('../pages/Dispatch.tsx').then((m) => m.Dispatch)).Page;

const NAV = [
  { href: '/', label: 'My work', icon: '◎', key: 'm' },
  { href: '/today', label: 'Today', icon: '☀', key: 'y' },
  { href: '/board', label: 'Board', icon: '▥', key: 'b' },
  { href: '/tasks', label: 'Tasks', icon: '☰', key: 't' },
  { href: '/calendar', label: 'Calendar', icon: '▦', key: 'c' },
  { href: '/leads', label: 'Records', icon: '◇', key: 'l' },
  { href: '/dispatch', label: 'Dispatch', icon: '⊞', key: 'd', managers: true },
  { href: '/reports', label: 'Reports', icon: '◔', key: 'r', managers: true },
  { href: '/automation', label: 'Automation', icon: '⚡', key: 'a', managers: true },
  { href: '/settings', label: 'Settings', icon: '⚙', key: 's' },
];
/** How many pages a phone's bottom bar shows at once, side by side; more scroll sideways. */
const PHONE_BAR_FITS = 7;
/** Pages for managers and above (the API refuses members there anyway). */
const isManager = (user: User) => user.role !== 'member';

/** Fades the navigation bar's end while it can scroll further right (a phone's bar holds more pages than fit). */
function markMoreRight(bar: HTMLElement): void {
  bar.classList.toggle('more-right', bar.scrollLeft + bar.clientWidth < bar.scrollWidth - 1);
}

export function Shell({ user, org }: { user: User; org: Org }) {
  useLiveUpdates();
  const [location, navigate] = useLocation();
  const [quickAdd, setQuickAdd] = useState(false);
  const [help, setHelp] = useState(false);
  const [goPending, setGoPending] = useState(false);
  const drawer = useTaskDrawer();
  const qc = useQueryClient();
  const pages = NAV.filter((item) => !('managers' in item) || isManager(user));
  const online = useOnline();
  const waiting = useQueuedChanges().length + useQueuedComments().length;
  const navBar = useRef<HTMLUListElement>(null);
  useEffect(() => {
    // On a phone the bar scrolls sideways: keep the page shown in view with the next page beside it
    // (so it never sits under the fade at the bar's end), and say whether more lies to the right.
    const bar = navBar.current;
    const shown = bar?.querySelector('.nav-link.active')?.closest('li');
    shown?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    let next = shown?.nextElementSibling;
    while (next instanceof HTMLElement && next.offsetWidth === 0) next = next.nextElementSibling;
    next?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    if (bar) markMoreRight(bar);
  }, [location]);
  useLayoutEffect(() => {
    // A phone that kept today's jobs from its last visit opens on Today: a technician's home.
    if (location === '/' && !drawer.openKey && window.matchMedia('(max-width: 720px)').matches && hasJobsTodayCached(qc)) navigate('/today', { replace: true });
    // Only where the app opens, not when the person comes back to My work.
  }, []);
  useEffect(() => {
    // Keep the day's work on this device whenever there is signal — every open task of mine and
    // today's jobs with their tasks, not only what was opened — so it all opens without signal.
    const keep = () => void prefetchFieldDay(qc).catch(() => {});
    const handle = window.setTimeout(keep, 200);
    window.addEventListener('online', keep);
    return () => {
      window.clearTimeout(handle);
      window.removeEventListener('online', keep);
    };
  }, [qc]);
  useEffect(() => {
    // Fetch the pages a phone may open without signal, and keep what arrived. A
    // fetch that fails (the signal dropped) is not an error: it is tried again
    // when the signal comes back, and the page still loads on demand meanwhile.
    const preload = () =>
      void Promise.allSettled([loadQuickAdd(), ...Object.values(preloaded).map((page) => page.preload())])
        .then(keepLoadedAssets)
        .catch(() => {});
    const handle = window.setTimeout(preload, 300);
    window.addEventListener('online', preload);
    return () => {
      window.clearTimeout(handle);
      window.removeEventListener('online', preload);
    };
  }, []);

  useShortcut((event) => {
    if (goPending) {
      setGoPending(false);
      const target = NAV.find((n) => n.key === event.key && (!('managers' in n) || isManager(user)));
      if (target) navigate(target.href);
      return;
    }
    if (event.key === 'c') {
      event.preventDefault();
      setQuickAdd(true);
    } else if (event.key === 'g') {
      setGoPending(true);
      window.setTimeout(() => setGoPending(false), 1500);
    } else if (event.key === '?') {
      setHelp(true);
    }
  });

  const logOut = async () => {
    try {
      await api.delete('/api/v1/sessions/current');
    } catch (error) {
      showToast(`Could not log out: ${describeError(error)}`, { tone: 'error' });
      return;
    }
    qc.clear();
    forgetQueryCache();
    navigate('/login');
    window.location.reload();
  };

  return (
    <div className={`app ${drawer.openKey ? 'with-drawer' : ''}`}>
      <nav className="sidebar" aria-label="Main">
        <div className="brand"><img src="/icon.svg" alt="" width={22} height={22} /> <span title={org.name}>{org.name}</span></div>
        <NotificationBell />
        <button type="button" className="new-task" onClick={() => setQuickAdd(true)}>
          <span>+ New task</span> <kbd>C</kbd>
        </button>
        <ul className="nav" ref={navBar} onScroll={(e) => markMoreRight(e.currentTarget)} style={{ '--nav-fit': Math.min(pages.length, PHONE_BAR_FITS) } as React.CSSProperties}>
          {pages.map((item) => (
            <li key={item.href}>
              <Link href={item.href} className={`nav-link ${location === item.href ? 'active' : ''}`} aria-current={location === item.href ? 'page' : undefined}>
                <span className="nav-icon" aria-hidden="true">{item.icon}</span>
                <span className="nav-label">{item.label}</span>
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <Avatar user={user} />
          <span className="me-name">{user.name}</span>
          <button type="button" className="link-button" onClick={() => void logOut()}>Log out</button>
        </div>
      </nav>
      <main className="main">
        {(!online || waiting > 0) && (
          <div className={`sync-banner ${online ? 'syncing' : 'offline'}`} role="status">
            {online ? `Syncing ${waiting} change${waiting === 1 ? '' : 's'}…` : `Offline${waiting ? ` — ${waiting} change${waiting === 1 ? '' : 's'} will sync when you are back online` : ' — changes will sync when you are back online'}`}
          </div>
        )}
        <SyncConflicts />
        <Suspense fallback={<p className="muted pad">Loading…</p>}>
        <Switch>
          <Route path="/" component={MyWork} />
          <Route path="/today" component={Today} />
          <Route path="/board" component={Board} />
          <Route path="/tasks" component={List} />
          <Route path="/settings" component={Settings} />
          <Route path="/notifications" component={NotificationsPage} />
          <Route path="/calendar" component={Calendar} />
          <Route path="/reports" component={Reports} />
          <Route path="/automation" component={Automation} />
          <Route path="/dispatch" component={Dispatch} />
          <Route path="/leads" component={Leads} />
          <Route path="/clients" component={Clients} />
          <Route path="/jobs" component={Jobs} />
          <Route path="/services" component={Services} />
          <Route path="/contacts" component={Contacts} />
          <Route path="/leads/:id" component={LeadDetail} />
          <Route path="/clients/:id" component={ClientDetail} />
          <Route path="/jobs/:id" component={JobDetail} />
          <Route path="/services/:id" component={ServiceDetail} />
          <Route path="/contacts/:id" component={ContactDetail} />
          <Route>
            <div className="page"><h1>Not found</h1><p><Link href="/">Back to My work</Link></p></div>
          </Route>
        </Switch>
        </Suspense>
      </main>
      <TaskDrawer />
      <button type="button" className="fab" aria-label="New task" onClick={() => setQuickAdd(true)}>+</button>
      {quickAdd && (
        <Suspense fallback={null}>
          <QuickAdd onClose={() => setQuickAdd(false)} onCreated={(key) => drawer.open(key)} />
        </Suspense>
      )}
      {help && <ShortcutHelp pages={pages} onClose={() => setHelp(false)} />}
    </div>
  );
}

function ShortcutHelp({ pages, onClose }: { pages: GoTo[]; onClose: () => void }) {
  const rows = shortcutList(pages);
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <dl className="shortcuts">
        {rows.map(([keys, what]) => (
          <div key={keys}><dt><kbd>{keys}</kbd></dt><dd>{what}</dd></div>
        ))}
      </dl>
    </Modal>
  );
}
