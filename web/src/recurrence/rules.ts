// The repeat presets the web app offers, and a rule read out in words.
import { RRule } from 'rrule';

export type PresetKey = 'none' | 'daily' | 'weekdays' | 'weekly' | 'monthly' | 'custom';

const DAY_CODES = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

/** The presets for a task due on `dueAt` (or today): weekly on its weekday, monthly on its date. */
export function presetRules(dueAt: string | null): Record<Exclude<PresetKey, 'none' | 'custom'>, string> {
  const day = dueAt ? new Date(dueAt) : new Date();
  return {
    daily: 'FREQ=DAILY',
    weekdays: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    weekly: `FREQ=WEEKLY;BYDAY=${DAY_CODES[day.getDay()]}`,
    monthly: `FREQ=MONTHLY;BYMONTHDAY=${day.getDate()}`,
  };
}

export function presetOf(rule: string | null, dueAt: string | null): PresetKey {
  if (!rule) return 'none';
  const match = Object.entries(presetRules(dueAt)).find(([, preset]) => preset === rule);
  return match ? (match[0] as PresetKey) : 'custom';
}

/** "every week on Monday"; null when the text is not a rule rrule can read. */
export function ruleInWords(rule: string): string | null {
  try {
    const parsed = RRule.fromString(rule.replace(/^RRULE:/i, ''));
    return parsed.isFullyConvertibleToText() ? parsed.toText() : rule;
  } catch {
    return null;
  }
}
