// Automation for managers: the rules (on/off, build and edit them in a form, try them on past events), the run log, and playbooks.
// Each part is its own component in automation/; this page holds the tabs and which rule is being edited.
import { useState } from 'react';
import { Playbooks } from '../automation/Playbooks.tsx';
import { RuleBuilder } from '../automation/RuleBuilder.tsx';
import type { RuleView } from '../automation/ruleForm.ts';
import { RuleList } from '../automation/RuleList.tsx';
import { RunLog } from '../automation/RunLog.tsx';
import { PageHeader } from '../shell/PageHeader.tsx';

type Tab = 'rules' | 'runs' | 'playbooks';

export function Automation() {
  const [tab, setTab] = useState<Tab>('rules');
  const [editing, setEditing] = useState<RuleView | 'new' | null>(null);
  return (
    <div className="page automation">
      <PageHeader title="Automation" subtitle="Rules turn what happens in the business into tasks with an owner and a deadline">
        <button type="button" className="button button-primary" onClick={() => { setTab('rules'); setEditing('new'); }}>+ New rule</button>
      </PageHeader>
      <div className="record-tabs" role="tablist" aria-label="Automation">
        {([['rules', 'Rules'], ['runs', 'Run log'], ['playbooks', 'Playbooks']] as const).map(([key, label]) => (
          <button key={key} type="button" role="tab" aria-selected={tab === key} className={`record-tab tab-button ${tab === key ? 'active' : ''}`} onClick={() => setTab(key)}>{label}</button>
        ))}
      </div>
      {tab === 'rules' && (editing ? <RuleBuilder rule={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : <RuleList onEdit={setEditing} />)}
      {tab === 'runs' && <RunLog />}
      {tab === 'playbooks' && <Playbooks onInstalled={() => setTab('rules')} />}
    </div>
  );
}
