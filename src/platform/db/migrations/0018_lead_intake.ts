// Migration 0018_lead_intake (recorded under this name in kysely_migration: never rename it or change what it does).
import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Each organisation gets a slug, its public name in addresses (its lead form is
 * /f/<slug>): existing ones from their name, oldest first, made unique with -2,
 * -3…; and lead-form submissions are counted per client address, as log-ins are.
 */
export function leadIntake(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const s = db.schema;
      await s.alterTable('orgs').addColumn('slug', 'text').execute();
      const orgs = await sql<{ id: string; name: string }>`select id, name from orgs order by created_at, id`.execute(db);
      const taken = new Set<string>();
      for (const org of orgs.rows) {
        const base = slugBase(org.name);
        let slug = base;
        for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
        taken.add(slug);
        await sql`update orgs set slug = ${slug} where id = ${org.id}`.execute(db);
      }
      await s.createIndex('orgs_slug').on('orgs').column('slug').unique().execute();
      await s
        .createTable('lead_form_throttle')
        .addColumn('ip', 'text', (c) => c.primaryKey())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .execute();
      await s.createIndex('lead_form_throttle_window').on('lead_form_throttle').columns(['window_start']).execute();
    },
  };
}

/** The slug a name starts from (the rule people/ applies to new organisations, frozen here as it was). */
function slugBase(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  if (slug.length >= 2) return slug;
  return slug ? `business-${slug}` : 'business';
}
