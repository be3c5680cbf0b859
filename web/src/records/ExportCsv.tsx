// "Export CSV" on the contacts, clients and leads lists: the records the list
// shows (its search and pipeline), every one of them, in the columns the CSV
// import reads — so the file can be edited and imported back.
import { PLURAL } from './api.ts';

export type ExportableKind = 'contact' | 'client' | 'lead';

export function ExportCsvLink({ kind, filter }: { kind: ExportableKind; filter: Record<string, string | undefined> }) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, value);
  params.set('format', 'csv');
  return (
    <a className="button" href={`/api/v1/${PLURAL[kind]}?${params}`} download title={`Download these ${PLURAL[kind]} as a spreadsheet you can edit and import again`}>
      Export CSV
    </a>
  );
}
