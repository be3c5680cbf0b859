// The records a task is about, in the task drawer: each opens its page, and a
// phone number or an address is one tap away (call, directions).
import { Link } from 'wouter';
import type { Task } from '../api/types.ts';
import { mapsUrl, PLURAL, type RecordKind, telUrl } from '../records/api.ts';

export function LinkedRecords({ task }: { task: Task }) {
  if (task.links.length === 0) return null;
  return (
    <section className="detail-section" aria-label="Linked records">
      <h3>Records</h3>
      <ul className="records">
        {task.links.map((link) => {
          const name = link.name ?? link.id;
          return (
            <li key={`${link.type}:${link.id}`} className={`record ${link.archived ? 'record-archived' : ''}`}>
              <span className="chip chip-link">{link.type}</span>
              {link.name === null ? <span className="record-name">{name}</span> : <Link className="record-name" href={`/${PLURAL[link.type as RecordKind]}/${link.id}`}>{name}</Link>}
              <span className="record-facts muted">
                {[link.phone, link.address, link.archived ? 'archived' : null, link.name === null ? 'not in Finishline' : null].filter(Boolean).join(' · ')}
              </span>
              {(link.phone || link.address) && (
                <span className="record-actions">
                  {link.phone && <a className="button" href={telUrl(link.phone)} aria-label={`Call ${name}`}>☎ Call</a>}
                  {link.address && <a className="button" href={mapsUrl(link.address)} target="_blank" rel="noreferrer" aria-label={`Directions to ${link.address}`}>➤ Directions</a>}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
