// The rule builder's "send to a webhook" step: picks one of the organisation's
// webhooks (only admins manage webhooks, so only they are offered the step).
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import type { z } from 'zod';
import type { webhookView } from '../../../src/webhooks/webhook.ts';
import { request } from '../api/client.ts';
import { useMe } from '../tasks/queries.ts';

type Webhook = z.infer<typeof webhookView>;

export function WebhookActionPicker({ onAdd }: { onAdd: (webhookId: string) => void }) {
  const id = useId();
  const role = useMe().data?.user.role;
  const hooks = useQuery({
    enabled: role === 'owner' || role === 'admin',
    queryKey: ['webhooks'],
    queryFn: async () => (await request<{ items: Webhook[] }>('GET', '/api/v1/webhooks?limit=200')).data.items,
    retry: false,
    // Turned on or off elsewhere a moment ago: the builder reads the list afresh.
    refetchOnMount: 'always',
  });
  const usable = (hooks.data ?? []).filter((h) => h.active);
  if (usable.length === 0) return null;
  return (
    <div className="inline-form">
      <label htmlFor={id}>Also send the event to a webhook</label>
      <select id={id} value="" onChange={(e) => e.target.value && onAdd(e.target.value)}>
        <option value="">Choose…</option>
        {usable.map((h) => <option key={h.id} value={h.id}>{h.description ? `${h.description} (${h.url})` : h.url}</option>)}
      </select>
    </div>
  );
}
