// What the signed-in person may do (GET /api/v1/me's rights), so the app offers
// only actions the API would allow, and says who may take the others.
import type { Right } from '../../../src/people/person.ts';
import type { Task } from '../api/types.ts';
import { useMe } from '../tasks/queries.ts';

/** Who may, shown beside an action someone may not take (the words the API's own refusals use). */
export const RIGHT_HOLDERS: Record<Right, string> = {
  assignOthers: 'Only managers and above may give a task to someone else',
  deleteOthersTasks: "Only a manager or the task's creator may delete it",
  reopenOthersTasks: 'Only a manager or the assignee may reopen a task',
  manageAutomation: 'Only managers and above may change automation',
  seeReports: 'Only managers and above see reports',
  importData: 'Only managers and above may import',
  archiveRecords: 'Only managers and above may archive a record',
  managePipelines: 'Only managers and above may change pipelines',
  managePeople: 'Only admins and the owner may add people or change roles',
  manageTeams: 'Only admins and the owner may change teams',
  manageSettings: "Only admins and the owner may change the business's settings",
  manageIntegrations: 'Only admins and the owner may manage API tokens and webhooks',
  seeAuditLog: 'Only admins and the owner see the audit log',
  manageAdmins: 'Only the owner may make or remove admins',
};

export interface Permissions {
  userId: string | undefined;
  has(right: Right): boolean;
  mayDelete(task: Pick<Task, 'createdById'>): boolean;
  mayReopen(task: Pick<Task, 'assigneeId'>): boolean;
  /** Whether I may set this assignee on a task now owned by `from`: members take a task or give up their own. */
  mayAssign(from: string | null, to: string | null): boolean;
}

/** While /me loads, nothing is offered that needs a right. */
export function usePermissions(): Permissions {
  const me = useMe().data;
  const has = (right: Right) => me?.rights?.[right] ?? false;
  const userId = me?.user.id;
  return {
    userId,
    has,
    mayDelete: (task) => has('deleteOthersTasks') || (userId !== undefined && task.createdById === userId),
    mayReopen: (task) => has('reopenOthersTasks') || (userId !== undefined && task.assigneeId === userId),
    mayAssign: (from, to) => from === to || has('assignOthers') || (userId !== undefined && (to === userId || (to === null && from === userId))),
  };
}
