// The formula-injection rule for every CSV the product writes, and its inverse for the import.
import { describe, expect, it } from 'vitest';
import { neutraliseCell, restoreCell } from '../../src/platform/csv.ts';

describe('neutraliseCell / restoreCell', () => {
  it('prefixes an apostrophe to text starting with = + - @ tab or CR, and to apostrophes before one', () => {
    for (const text of ['=1+1', '+1', '-1', '@A1', '\t=1', '\r=1', "'=1", "''@x"]) expect(neutraliseCell(text), JSON.stringify(text)).toBe(`'${text}`);
    for (const text of ['Call Dana', "'quoted", 'a=b', '', ' =1', 'T-12']) expect(neutraliseCell(text), JSON.stringify(text)).toBe(text);
  });

  it('reads every neutralised cell back to the text it stood for, and leaves other cells alone', () => {
    for (const text of ['=1+1', '+1', '-1', '@A1', '\t=1', '\r=1', "'=1", "''@x", 'Call Dana', "'quoted", '', "'"]) {
      expect(restoreCell(neutraliseCell(text)), JSON.stringify(text)).toBe(text);
    }
  });
});
