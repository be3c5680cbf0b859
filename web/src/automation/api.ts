// The automation page's reads: the rules, the run log and the playbooks, and the shapes they come in.
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { runView } from '../../../src/automation/rule.ts';
import { api } from '../api/client.ts';
import type { Page } from '../api/types.ts';
import type { RuleView } from './ruleForm.ts';

export type Run = z.infer<typeof runView>;
export interface Playbook { key: string; name: string; description: string; rules: { key: string; name: string; trigger: string }[] }
interface WouldCreate { title: string; priority: string; dueAt: string | null; assigneeId: string | null; teamId: string | null; checklist: string[]; cannotReconstruct: string[] }
export interface DryRunResult {
  eventsConsidered: number;
  truncated: boolean;
  wouldCreate: number;
  wouldChange: number;
  results: { eventId: string; eventType: string; occurredAt: string; asOf: string; outcome: string; wouldCreate: WouldCreate[]; notes?: string[] }[];
}

export const rulesKey = ['rules'] as const;
export const runsKey = ['automation-runs'] as const;

export function useRules() {
  return useQuery({ queryKey: rulesKey, queryFn: () => api.get<Page<RuleView>>('/api/v1/rules?limit=200').then((p) => p.items) });
}
