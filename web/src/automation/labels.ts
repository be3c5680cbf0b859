// How a rule's actions read in a sentence: “create “Call back”, set priority high”.

export const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export function actionLabel(action: Record<string, unknown>): string {
  switch (action.type) {
    case 'create_task': return `create “${String(action.title)}”`;
    case 'update_record': return `update the ${String(action.record)}`;
    case 'close_tasks': return 'close its open tasks';
    case 'set_priority': return `set priority ${String(action.priority)}`;
    case 'webhook': return 'send to a webhook';
    default: return String(action.type).replace(/_/g, ' ');
  }
}
