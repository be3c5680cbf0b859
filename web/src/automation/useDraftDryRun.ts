// The rule form's dry run: the rule as the form has it, unsaved, tried on the last 30 days once typing pauses.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { DryRunResult } from './api.ts';
import { type RuleForm, toRuleBody } from './ruleForm.ts';

const PAUSE_MS = 600;

export function useDraftDryRun(form: RuleForm) {
  const body = JSON.stringify(toRuleBody({ ...form, name: form.name.trim() || 'Draft' }));
  const [settled, setSettled] = useState(body);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(body), PAUSE_MS);
    return () => clearTimeout(timer);
  }, [body]);
  return useQuery({
    queryKey: ['dry-run', 'draft', settled],
    queryFn: () => api.post<DryRunResult>('/api/v1/rules/dry-run', { rule: JSON.parse(settled) as unknown, days: 30 }),
    staleTime: Infinity,
    retry: false,
    placeholderData: keepPreviousData,
  });
}
