import { describe, expect, it } from 'vitest';
import { shortcutList } from './keyboard.ts';

describe('shortcut help', () => {
  it('lists a g line for each page the person can open, and the help key itself', () => {
    const rows = shortcutList([{ key: 'm', label: 'My work' }, { key: 'l', label: 'Records' }, { key: 'r', label: 'Reports' }, { key: 'a', label: 'Automation' }]);
    const keys = rows.map(([k]) => k);
    expect(keys).toEqual(expect.arrayContaining(['g then m', 'g then l', 'g then r', 'g then a', '?', 'c', 'x', '/']));
    expect(rows.find(([k]) => k === 'g then l')?.[1]).toBe('Go to Records');
    expect(shortcutList([]).some(([k]) => k.startsWith('g then'))).toBe(false);
  });
});
