// One line under a rule in the rules list: how often its trigger came, how often
// its conditions held, and when it last fired.
import type { RuleView } from './ruleForm.ts';
import { formatInstant, timeAgo } from '../shell/format.ts';
import { plural } from '../shell/plural.ts';

export function RuleStats({ stats }: { stats: RuleView['stats'] }) {
  if (stats.evaluated === 0) return <div className="rule-stats muted" data-rule-stats="none">No events yet</div>;
  const share = Math.round((stats.matched / stats.evaluated) * 100);
  return (
    <div className="rule-stats muted" data-rule-stats={`${stats.evaluated}/${stats.matched}`}>
      {plural(stats.evaluated, 'event', 'events')} checked · fired {stats.matched.toLocaleString()} ({share}%) · {stats.missed.toLocaleString()} did not match
      {' · '}
      {stats.lastFiredAt ? <span title={formatInstant(stats.lastFiredAt)}>last fired {timeAgo(stats.lastFiredAt)}</span> : <strong>never fired</strong>}
    </div>
  );
}
