// Counted words through Intl.PluralRules: "1 task", "2 tasks", never "1 tasks".
// The server's email and the web app say counts with this one helper.
const rules = new Intl.PluralRules('en');

/** "3 contacts": the count and the word that goes with it (forms by plural category; 'other' when a category has none). */
export function plural(count: number, one: string, other: string): string {
  return `${count.toLocaleString('en')} ${rules.select(count) === 'one' ? one : other}`;
}
