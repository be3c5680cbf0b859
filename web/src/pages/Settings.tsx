// Settings: the organisation's hours and holidays, its website request form, its people and roles, teams, working hours, time off, my time zone, API tokens and webhooks.
// Each section is its own component in its feature's folder; this page chooses which ones a role sees.
import { InvitationSettings } from '../accounts/InvitationSettings.tsx';
import { SecuritySettings } from '../accounts/SecuritySettings.tsx';
import { SignInSettings } from '../accounts/SignInSettings.tsx';
import { CalendarFeedSettings } from '../calendar/CalendarFeedSettings.tsx';
import { ImportSettings } from '../imports/ImportSettings.tsx';
import { LeadFormSettings } from '../intake/LeadFormSettings.tsx';
import { NotificationSettings } from '../notifications/NotificationSettings.tsx';
import { ApiTokenSettings } from '../people/ApiTokenSettings.tsx';
import { MyTimeZoneSettings } from '../people/MyTimeZoneSettings.tsx';
import { OrgSettings } from '../people/OrgSettings.tsx';
import { People } from '../people/PeopleSettings.tsx';
import { Teams } from '../people/TeamSettings.tsx';
import { TimeOff } from '../people/TimeOffSettings.tsx';
import { WorkingHoursSettings } from '../people/WorkingHoursSettings.tsx';
import { usePermissions } from '../people/rights.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { useMe } from '../tasks/queries.ts';
import { WebhookSettings } from '../webhooks/WebhookSettings.tsx';

export function Settings() {
  const me = useMe();
  const role = me.data?.user.role ?? 'member';
  const isAdmin = role === 'owner' || role === 'admin';
  const permissions = usePermissions();
  return (
    <div className="page">
      <PageHeader title="Settings" subtitle={isAdmin ? 'Your business, its people and teams' : 'Only admins can change most settings'} />
      <OrgSettings canEdit={isAdmin} />
      <LeadFormSettings canEdit={isAdmin} />
      {me.data && <People canEdit={isAdmin} me={me.data.user} />}
      {isAdmin && <InvitationSettings />}
      <Teams canEdit={isAdmin} />
      {me.data && <WorkingHoursSettings me={me.data.user} />}
      {me.data && <TimeOff user={me.data.user} />}
      {me.data && <MyTimeZoneSettings me={me.data.user} />}
      {me.data && <SecuritySettings me={me.data.user} />}
      {isAdmin && <SignInSettings />}
      {permissions.has('manageIntegrations') && <ApiTokenSettings />}
      {isAdmin && <WebhookSettings />}
      <CalendarFeedSettings />
      <NotificationSettings role={role} />
      {(isAdmin || role === 'manager') && <ImportSettings />}
    </div>
  );
}
