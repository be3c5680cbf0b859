// Schema migrations, in order: one file per migration in migrations/, named by
// number and purpose. A migration is keyed by its name in kysely_migration, so
// a name, once released, never changes. The same list runs on SQLite and
// PostgreSQL; the only dialect difference is how an auto-increment key is
// spelled (0001_initial).
import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { DialectName } from './database.ts';
import { dialectOfHandle } from './dialect.ts';
import { initial } from './migrations/0001_initial.ts';
import { records } from './migrations/0002_records.ts';
import { automation } from './migrations/0003_automation.ts';
import { reports } from './migrations/0004_reports.ts';
import { audit } from './migrations/0005_audit.ts';
import { notifications } from './migrations/0006_notifications.ts';
import { webhooks } from './migrations/0007_webhooks.ts';
import { recurrenceCalendar } from './migrations/0008_recurrence_calendar.ts';
import { ruleStats } from './migrations/0009_rule_stats.ts';
import { boardCounts } from './migrations/0010_board_counts.ts';
import { reportRollups } from './migrations/0010_report_rollups.ts';
import { authEpochs } from './migrations/0011_auth_epochs.ts';
import { loginAddresses } from './migrations/0012_login_addresses.ts';
import { orgAutomationTiming } from './migrations/0013_org_automation_timing.ts';
import { reportFlowSources } from './migrations/0014_report_flow_sources.ts';
import { accounts } from './migrations/0015_accounts.ts';
import { attachments } from './migrations/0016_attachments.ts';
import { externalRefs } from './migrations/0017_external_refs.ts';
import { leadIntake } from './migrations/0018_lead_intake.ts';
import { notificationsResolved } from './migrations/0019_notifications_resolved.ts';
import { jobScheduleWindow } from './migrations/0020_job_schedule_window.ts';
import { twoFactorSso } from './migrations/0021_two_factor_sso.ts';
import { eventIdsPerOrg } from './migrations/0022_event_ids_per_org.ts';
import { eventRetention } from './migrations/0023_event_retention.ts';
import { leanIndexes } from './migrations/0024_lean_indexes.ts';
import { emailPerOrg } from './migrations/0026_email_per_org.ts';
import { weeklySummary } from './migrations/0027_weekly_summary.ts';
import { compactHistory } from './migrations/0028_compact_history.ts';
import { openBySource } from './migrations/0029_open_by_source.ts';
import { boardColumns } from './migrations/0030_board_columns.ts';
import { creationHistory } from './migrations/0031_creation_history.ts';
import { leanTaskIndexes } from './migrations/0032_lean_task_indexes.ts';
import type { Db } from './schema.ts';

export { fillReportRollups } from './migrations/fillReportRollups.ts';

export function migrationsFor(dialect: DialectName): Record<string, Migration> {
  return {
    '0001_initial': initial(dialect),
    '0002_records': records(),
    '0003_automation': automation(),
    '0004_reports': reports(),
    '0005_audit': audit(),
    '0006_notifications': notifications(),
    '0007_webhooks': webhooks(),
    '0008_recurrence_calendar': recurrenceCalendar(),
    '0009_rule_stats': ruleStats(),
    '0010_board_counts': boardCounts(),
    '0010_report_rollups': reportRollups(),
    '0011_auth_epochs': authEpochs(),
    '0012_login_addresses': loginAddresses(),
    '0013_org_automation_timing': orgAutomationTiming(),
    '0014_report_flow_sources': reportFlowSources(),
    '0015_accounts': accounts(),
    '0016_attachments': attachments(dialect),
    '0017_external_refs': externalRefs(),
    '0018_lead_intake': leadIntake(),
    '0019_notifications_resolved': notificationsResolved(),
    '0020_job_schedule_window': jobScheduleWindow(),
    '0021_two_factor_sso': twoFactorSso(),
    '0022_event_ids_per_org': eventIdsPerOrg(dialect),
    '0023_event_retention': eventRetention(),
    '0024_lean_indexes': leanIndexes(dialect),
    '0026_email_per_org': emailPerOrg(dialect),
    '0027_weekly_summary': weeklySummary(),
    '0028_compact_history': compactHistory(dialect),
    '0029_open_by_source': openBySource(dialect),
    '0030_board_columns': boardColumns(dialect),
    '0031_creation_history': creationHistory(dialect),
    '0032_lean_task_indexes': leanTaskIndexes(dialect),
  };
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(dialectOfHandle(db)) };
  // Features land their migrations independently: a database that already ran a later
  // one (e.g. 0005) must still accept an earlier-numbered one added after it (e.g. 0004).
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
