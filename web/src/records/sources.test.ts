import { describe, expect, it } from 'vitest';
import { openInLabel, safeUrl, sourceName } from './sources.ts';

describe('names of other systems', () => {
  it("spells known systems their own way and capitalises the others' words", () => {
    expect(sourceName('hubspot')).toBe('HubSpot');
    expect(sourceName('servicetitan')).toBe('ServiceTitan');
    expect(sourceName('housecall_pro')).toBe('Housecall Pro');
    expect(sourceName('my_crm')).toBe('My Crm');
    expect(sourceName('acme-erp2')).toBe('Acme Erp2');
    expect(openInLabel('hubspot')).toBe('Open in HubSpot');
    expect(openInLabel('sheet')).toBe('Open in the spreadsheet');
  });

  it('opens only http and https links', () => {
    expect(safeUrl('https://app.hubspot.com/contacts/1/record/4711')).toBe('https://app.hubspot.com/contacts/1/record/4711');
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl(undefined)).toBeNull();
    expect(safeUrl('not a url')).toBeNull();
  });
});
