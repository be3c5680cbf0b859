import { describe, expect, it } from 'vitest';
import { plural } from './plural.ts';

describe('plural', () => {
  it('says 1 contact, 0 and 2 contacts, through the language plural rules', () => {
    expect(plural(1, 'contact', 'contacts')).toBe('1 contact');
    expect(plural(0, 'contact', 'contacts')).toBe('0 contacts');
    expect(plural(2, 'lead', 'leads')).toBe('2 leads');
    expect(plural(1200, 'task', 'tasks')).toBe('1,200 tasks');
  });
});
