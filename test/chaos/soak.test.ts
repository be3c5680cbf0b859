// The soak's short version: the same mixed read/write load as `npm run soak`,
// a few seconds long, against a real server; every request succeeds. No timing
// is asserted — the figures are printed.
import { expect, it } from 'vitest';
import { describeSoak, soak } from '../../bench/soak.ts';
import { forEachDatabase } from '../support/harness.ts';

forEachDatabase('soak (short)', (ctx) => {
  it('answers a mixed read/write load with no error and no 5xx', async () => {
    const org = await ctx.signup('Soak Electrical');
    const summary = await soak({ baseUrl: ctx.baseUrl, token: org.token, connections: 20, durationSeconds: 2 });
    console.log(`[${ctx.dialect}] ${describeSoak(summary)}`);
    expect(summary.requests).toBeGreaterThan(0);
    expect(summary.serverErrors).toBe(0);
    expect(summary.connectionErrors).toBe(0);
    expect(summary.non2xx).toBe(0);
  });
});
