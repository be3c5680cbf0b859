// Ready rule packs for cleaning, plumbing, HVAC and electrical businesses,
// built from the everyday follow-ups of each trade. Installed rules are
// ordinary rules: edit, disable or delete them like any other.
import { ruleBody, type RuleInput } from './rule.ts';

export interface PlaybookOptions {
  /** Route the tasks to this team (round-robin); without it they go to the record's owner. */
  teamId?: string;
  /** The id of a rule installed earlier from the same playbook (for chains on task.completed). */
  ruleId?: (key: string) => string;
}

export interface Playbook {
  key: string;
  name: string;
  description: string;
  rules(options: PlaybookOptions): { key: string; rule: RuleInput }[];
}

function owner(options: PlaybookOptions) {
  return options.teamId ? { strategy: 'round_robin' as const, teamId: options.teamId } : { strategy: 'record_owner' as const };
}

function rule(key: string, raw: unknown): { key: string; rule: RuleInput } {
  return { key, rule: ruleBody.parse(raw) };
}

const ruleIdOf = (options: PlaybookOptions, key: string) => options.ruleId?.(key) ?? `(the ${key} rule)`;

// Rules every trade shares.
function quoteFollowUp(options: PlaybookOptions, due: string) {
  return rule('quote-follow-up', {
    name: 'Follow up sent quotes',
    trigger: { event: 'lead.stage_changed', where: [{ field: 'data.toStage', op: 'eq', value: 'quoted' }] },
    actions: [{
      type: 'create_task',
      title: 'Follow up the quote for {{record.title}}',
      description: 'The quote went out; ask whether it answers their questions and offer a date.',
      priority: 'high',
      due,
      businessHours: true,
      assign: owner(options),
      checklist: ['Call the customer', 'Answer questions or revise the quote', 'Offer a start date'],
      resolveWhen: { event: 'lead.stage_changed', where: [{ field: 'data.toStage', op: 'in', value: ['won', 'lost'] }] },
    }],
  });
}

function reviewRequest(options: PlaybookOptions) {
  return rule('review-request', {
    name: 'Ask for a review after a completed job',
    trigger: { event: 'job.status_changed', where: [{ field: 'data.to', op: 'eq', value: 'completed' }] },
    actions: [{
      type: 'create_task',
      title: 'Ask for a review: {{record.title}}',
      priority: 'low',
      due: 'P1D',
      businessHours: true,
      assign: owner(options),
      resolveWhen: { event: 'review.received' },
    }],
  });
}

function invoiceChasing(options: PlaybookOptions) {
  return rule('invoice-chasing', {
    name: 'Chase overdue invoices',
    trigger: { event: 'invoice.overdue' },
    actions: [{
      type: 'create_task',
      title: 'Chase invoice {{data.number}} ({{data.amount}})',
      description: 'Invoice {{data.number}} for {{data.customer}} is overdue.',
      priority: 'high',
      due: 'P1D',
      businessHours: true,
      assign: owner(options),
      checklist: ['Send a reminder', 'Call if no answer within a day', 'Offer a payment plan'],
      resolveWhen: { event: 'invoice.paid' },
    }],
  });
}

function overdueEscalation() {
  return rule('overdue-escalation', {
    name: 'Escalate urgent work overdue by an hour',
    trigger: {
      event: 'task.overdue',
      delay: 'PT1H',
      where: [
        { field: 'record.priority', op: 'in', value: ['urgent', 'high'] },
        { field: 'record.overdue', op: 'eq', value: true },
      ],
    },
    actions: [{ type: 'escalate', to: 'team_manager', raisePriority: true, notify: true }],
  });
}

export const PLAYBOOKS: Playbook[] = [
  {
    key: 'cleaning',
    name: 'Cleaning',
    description: 'Quote follow-up, key collection and property notes before a clean, complaint resolution and review requests.',
    rules: (o) => [
      quoteFollowUp(o, 'P1D'),
      rule('key-collection', {
        name: 'Prepare access before a scheduled clean',
        trigger: { event: 'job.scheduled' },
        actions: [
          { type: 'create_task', step: 'keys', title: 'Arrange key collection for {{record.title}}', priority: 'normal', due: 'PT4H', businessHours: true, assign: owner(o), checklist: ['Agree where the keys are left', 'Record the alarm code'] },
          { type: 'create_task', step: 'notes', blockedBy: ['keys'], title: 'Review property notes for {{record.title}}', due: 'PT2H', businessHours: true, assign: owner(o) },
        ],
      }),
      rule('complaint-resolution', {
        name: 'Resolve complaints the same day',
        trigger: { event: 'complaint.received' },
        actions: [
          { type: 'create_task', title: 'Resolve complaint: {{data.summary}}', priority: 'urgent', due: 'PT4H', businessHours: true, assign: owner(o), checklist: ['Call the customer', 'Agree a re-clean or refund', 'Note the cause'], resolveWhen: { event: 'complaint.resolved' } },
          { type: 'notify', to: 'assignee', message: 'New complaint to resolve today: {{data.summary}}' },
        ],
      }),
      reviewRequest(o),
      overdueEscalation(),
    ],
  },
  {
    key: 'plumbing',
    name: 'Plumbing',
    description: 'Emergency callbacks with escalation, parts follow-up chains, technician check-ins and invoice chasing.',
    rules: (o) => [
      rule('emergency-callback', {
        name: 'Call back missed emergency calls within 15 minutes',
        trigger: { event: 'call.missed', where: [{ field: 'data.emergency', op: 'eq', value: true }] },
        actions: [{ type: 'create_task', title: 'Emergency callback: {{data.from}}', description: 'Missed call at {{event.occurredAt}}. {{data.message}}', priority: 'urgent', due: 'PT15M', assign: owner(o) }],
      }),
      rule('parts-follow-up', {
        name: 'Parts follow-up when a job cannot be finished',
        trigger: { event: 'job.status_changed', where: [{ field: 'data.to', op: 'eq', value: 'incomplete' }] },
        actions: [
          { type: 'create_task', step: 'order', title: 'Order parts for {{record.title}}', priority: 'high', due: 'PT4H', businessHours: true, assign: owner(o) },
          { type: 'create_task', step: 'chase', blockedBy: ['order'], title: 'Chase the parts delivery for {{record.title}}', due: 'P2D', businessHours: true, assign: owner(o) },
          { type: 'create_task', blockedBy: ['chase'], title: 'Book the return visit for {{record.title}}', priority: 'high', due: 'P1D', businessHours: true, assign: owner(o) },
        ],
      }),
      rule('technician-check-in', {
        name: 'Check in with the technician on the day of a job',
        trigger: { event: 'job.scheduled' },
        actions: [{ type: 'create_task', title: 'Check in with the technician: {{record.title}}', due: 'PT2H', businessHours: true, assign: owner(o) }],
      }),
      invoiceChasing(o),
      overdueEscalation(),
    ],
  },
  {
    key: 'hvac',
    name: 'HVAC',
    description: 'Maintenance-plan reminders, installation preparation, equipment assessment follow-up and documentation review.',
    rules: (o) => [
      rule('maintenance-reminder', {
        name: 'Book maintenance-plan visits when they come due',
        trigger: { event: 'service.due' },
        actions: [{ type: 'create_task', title: 'Book the maintenance visit: {{record.title}}', due: 'P3D', businessHours: true, assign: owner(o), checklist: ['Call the client', 'Book the visit', 'Confirm filters in stock'] }],
      }),
      rule('installation-prep', {
        name: 'Prepare installations',
        trigger: { event: 'job.scheduled' },
        actions: [
          { type: 'create_task', step: 'equipment', title: 'Confirm equipment for {{record.title}}', priority: 'high', due: 'P1D', businessHours: true, assign: owner(o) },
          { type: 'create_task', blockedBy: ['equipment'], title: 'Confirm access and site readiness for {{record.title}}', due: 'PT4H', businessHours: true, assign: owner(o) },
        ],
      }),
      rule('assessment-follow-up', {
        name: 'Follow up equipment assessments',
        trigger: { event: 'job.status_changed', where: [{ field: 'data.to', op: 'eq', value: 'completed' }] },
        actions: [{ type: 'create_task', title: 'Send the equipment assessment for {{record.title}}', due: 'P1D', businessHours: true, assign: owner(o) }],
      }),
      rule('documentation-review', {
        name: 'Review documentation once the assessment is sent',
        trigger: { event: 'task.completed', where: [{ field: 'record.source.ruleId', op: 'eq', value: ruleIdOf(o, 'assessment-follow-up') }] },
        actions: [{ type: 'create_task', title: 'Review post-job documentation', due: 'P2D', businessHours: true, assign: { strategy: 'record_owner' } }],
      }),
      overdueEscalation(),
    ],
  },
  {
    key: 'electrical',
    name: 'Electrical',
    description: 'Quote approval follow-up, compliance certificates after each job, inspection reminders and invoice chasing.',
    rules: (o) => [
      quoteFollowUp(o, 'P2D'),
      rule('compliance-certificate', {
        name: 'Prepare and send the compliance certificate',
        trigger: { event: 'job.status_changed', where: [{ field: 'data.to', op: 'eq', value: 'completed' }] },
        actions: [
          { type: 'create_task', step: 'certificate', title: 'Prepare the compliance certificate for {{record.title}}', priority: 'high', due: 'P1D', businessHours: true, assign: owner(o), checklist: [{ text: 'Photo of the test results', photoRequired: true }, 'Certificate signed'] },
          { type: 'create_task', blockedBy: ['certificate'], title: 'Send the certificate to the client: {{record.title}}', due: 'PT4H', businessHours: true, assign: owner(o) },
        ],
      }),
      rule('inspection-reminder', {
        name: 'Book inspections when they come due',
        trigger: { event: 'service.due' },
        actions: [{ type: 'create_task', title: 'Book the inspection: {{record.title}}', due: 'P5D', businessHours: true, assign: owner(o) }],
      }),
      invoiceChasing(o),
      overdueEscalation(),
    ],
  },
];
