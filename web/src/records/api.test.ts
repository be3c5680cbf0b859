import { describe, expect, it } from 'vitest';
import { mapsUrl, recordName, telUrl } from './api.ts';

describe('record links', () => {
  it('dials a number as digits and a leading plus', () => {
    expect(telUrl('+44 (0)7700 900-123')).toBe('tel:+4407700900123');
  });
  it('searches maps for an address', () => {
    expect(mapsUrl('12 High St, Leeds')).toBe('https://www.google.com/maps/search/?api=1&query=12%20High%20St%2C%20Leeds');
  });
  it('names people and accounts by name, the rest by title', () => {
    expect(recordName('client', { name: 'Acme' })).toBe('Acme');
    expect(recordName('job', { title: 'Boiler service' })).toBe('Boiler service');
  });
});
