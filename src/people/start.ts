// The start list a new business sees on My work: its first steps, each done
// when the data says so (never a box someone ticks).
import { z } from 'zod';

export const startListView = z.object({
  team: z.boolean().describe('someone besides the first person has joined'),
  playbook: z.boolean().describe('a playbook of rules is installed'),
  lead: z.boolean().describe('a lead has been added'),
  task: z.boolean().describe('a task has been added'),
});
export type StartList = z.infer<typeof startListView>;

/** Where each step's truth is read from: handed in by the composition root, since the steps span features above this one. */
export type StartListSource = (orgId: string) => Promise<StartList>;
