import { describe, expect, it } from 'vitest';
import { toggleSelection } from './selection.ts';
import { withView } from './savedViews.ts';

const IDS = ['a', 'b', 'c', 'd', 'e'];

describe('selecting rows', () => {
  it('toggles one row on a plain click', () => {
    expect([...toggleSelection(new Set(), IDS, 'b', null, false)]).toEqual(['b']);
    expect([...toggleSelection(new Set(['b']), IDS, 'b', 'b', false)]).toEqual([]);
  });
  it('selects the whole range on shift-click, in either direction', () => {
    expect([...toggleSelection(new Set(['b']), IDS, 'd', 'b', true)].sort()).toEqual(['b', 'c', 'd']);
    expect([...toggleSelection(new Set(['d']), IDS, 'a', 'd', true)].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
  it('clears the range on shift-click when the anchor row was just unselected', () => {
    expect([...toggleSelection(new Set(['a', 'c', 'd', 'e']), IDS, 'd', 'b', true)].sort()).toEqual(['a', 'e']);
  });
});

describe('saved views', () => {
  it('replaces a view saved again under the same name (any case)', () => {
    const views = withView([{ name: 'Overdue', search: 'overdue=true' }], { name: 'overdue', search: 'overdue=true&sort=priority' });
    expect(views).toEqual([{ name: 'overdue', search: 'overdue=true&sort=priority' }]);
  });
});
