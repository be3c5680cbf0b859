import { describe, expect, it } from 'vitest';
import { migrationsFor } from '../../src/platform/db/migrations.ts';

describe('the migration list', () => {
  it('keeps every name a database may have recorded, so none runs twice', () => {
    // Names are the keys of kysely_migration: renaming one makes an existing database run it again.
    const recorded = [
      '0001_initial',
      '0002_records',
      '0003_automation',
      '0004_reports',
      '0005_audit',
      '0006_notifications',
      '0007_webhooks',
      '0008_recurrence_calendar',
      '0009_rule_stats',
      '0010_board_counts',
      '0010_report_rollups',
      '0011_auth_epochs',
      '0012_login_addresses',
      '0013_org_automation_timing',
      '0014_report_flow_sources',
      '0015_accounts',
      '0016_attachments',
      '0017_external_refs',
      '0018_lead_intake',
      '0019_notifications_resolved',
      '0020_job_schedule_window',
      '0021_two_factor_sso',
      '0022_event_ids_per_org',
      '0023_event_retention',
      '0024_lean_indexes',
      '0026_email_per_org',
      '0027_weekly_summary',
      '0028_compact_history',
      '0029_open_by_source',
      '0030_board_columns',
      '0031_creation_history',
      '0032_lean_task_indexes',
    ];
    for (const dialect of ['sqlite', 'postgres'] as const) expect(Object.keys(migrationsFor(dialect)).sort()).toEqual(recorded);
  });
});
