// Turns the `#lead-dana` a person typed into the record it means: an exact id
// first, else the one record whose name, phone, email or address matches.
import { api, ApiError } from '../api/client.ts';
import type { Page } from '../api/types.ts';
import type { QuickAdd } from './parse.ts';

const PLURAL: Record<string, string> = { contact: 'contacts', client: 'clients', lead: 'leads', job: 'jobs', service: 'services' };

export class UnknownRecord extends Error {}

async function exists(type: string, id: string): Promise<boolean> {
  try {
    await api.get(`/api/v1/${PLURAL[type]}/${encodeURIComponent(id)}`);
    return true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return false;
    throw error;
  }
}

export async function resolveLinks(links: QuickAdd['links']): Promise<QuickAdd['links']> {
  const resolved: QuickAdd['links'] = [];
  for (const link of links) {
    if (await exists(link.type, link.id)) {
      resolved.push(link);
      continue;
    }
    const q = link.id.replace(/[-_]+/g, ' ');
    const found = await api.get<Page<{ id: string }>>(`/api/v1/${PLURAL[link.type]}?q=${encodeURIComponent(q)}&limit=2`);
    if (found.items.length === 0) throw new UnknownRecord(`No ${link.type} matches "${link.id}"`);
    if (found.items.length > 1) throw new UnknownRecord(`More than one ${link.type} matches "${link.id}"; type more of its name`);
    resolved.push({ type: link.type, id: found.items[0]!.id });
  }
  return resolved;
}
