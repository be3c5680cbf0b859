// Every query of maintenance plans (service_plans).
import type { Selectable } from 'kysely';
import type { Db, ServicePlansTable } from '../platform/db/schema.ts';

export type PlanRow = Selectable<ServicePlansTable>;

export function findPlan(db: Db, orgId: string, serviceId: string) {
  return db.selectFrom('service_plans').selectAll().where('org_id', '=', orgId).where('service_id', '=', serviceId).executeTakeFirst();
}

export function findPlanOfTask(db: Db, orgId: string, taskId: string) {
  return db.selectFrom('service_plans').selectAll().where('org_id', '=', orgId).where('task_id', '=', taskId).executeTakeFirst();
}

export async function savePlan(db: Db, row: PlanRow): Promise<void> {
  const { service_id: _id, org_id: _org, created_at: _created, ...changes } = row;
  await db.insertInto('service_plans').values(row).onConflict((oc) => oc.column('service_id').doUpdateSet(changes)).execute();
}

export async function markTaskMade(db: Db, orgId: string, serviceId: string, taskFor: number, taskId: string, now: number): Promise<void> {
  await db.updateTable('service_plans').set({ task_for: taskFor, task_id: taskId, updated_at: now }).where('org_id', '=', orgId).where('service_id', '=', serviceId).execute();
}

export async function deletePlan(db: Db, orgId: string, serviceId: string): Promise<boolean> {
  const result = await db.deleteFrom('service_plans').where('org_id', '=', orgId).where('service_id', '=', serviceId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
