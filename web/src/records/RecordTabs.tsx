// The tabs across the record pages: leads, clients, jobs, services, contacts.
import { Link, useLocation } from 'wouter';
import { KIND_LABEL, PLURAL, RECORD_KINDS } from './api.ts';

export function RecordTabs() {
  const [location] = useLocation();
  return (
    <nav className="record-tabs" aria-label="Records">
      {RECORD_KINDS.map((kind) => {
        const href = `/${PLURAL[kind]}`;
        const active = location === href;
        return (
          <Link key={kind} href={href} className={`record-tab ${active ? 'active' : ''}`} aria-current={active ? 'page' : undefined}>
            {KIND_LABEL[kind]}s
          </Link>
        );
      })}
    </nav>
  );
}
