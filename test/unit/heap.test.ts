// The server caps V8's heap growth between full collections unless whoever
// started it chose a growth of their own.
import { describe, expect, it } from 'vitest';
import { capHeapGrowth } from '../../src/platform/heap.ts';

describe('heap growth', () => {
  it('is capped when the process was started without a growth of its own', () => {
    expect(capHeapGrowth([])).toBe(true);
    expect(capHeapGrowth(['--enable-source-maps', '--max-old-space-size=512'])).toBe(true);
  });

  it("keeps the operator's own growth from the node command, in either spelling", () => {
    expect(capHeapGrowth(['--heap-growing-percent=300'])).toBe(false);
    expect(capHeapGrowth(['--max-old-space-size=512', '--heap_growing_percent=50'])).toBe(false);
  });
});
