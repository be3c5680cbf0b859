// Which rows are selected in a list: click toggles one, shift-click takes the range from the last click.
export function toggleSelection(selected: ReadonlySet<string>, ids: readonly string[], clicked: string, anchor: string | null, shift: boolean): Set<string> {
  const next = new Set(selected);
  const to = ids.indexOf(clicked);
  const from = anchor === null ? -1 : ids.indexOf(anchor);
  if (shift && from !== -1 && to !== -1) {
    const [start, end] = from < to ? [from, to] : [to, from];
    // The range takes the state the anchor row has.
    const select = selected.has(anchor!);
    for (const id of ids.slice(start, end + 1)) {
      if (select) next.add(id);
      else next.delete(id);
    }
    return next;
  }
  if (next.has(clicked)) next.delete(clicked);
  else next.add(clicked);
  return next;
}
