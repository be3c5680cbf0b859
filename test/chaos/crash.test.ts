// Nothing acknowledged is lost: the real server is killed with SIGKILL in the
// middle of concurrent writes, again and again, and restarted on the same
// database — a SQLite file, then a PostgreSQL database; every write it
// acknowledged is there, and the SQLite file passes integrity_check.
// FINISHLINE_CHAOS_KILLS sets how many kills (2 in `npm test`, more in `npm run chaos`).
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabases } from '../support/databases.ts';
import { PASSWORD } from '../support/harness.ts';
import { client } from '../support/http.ts';
import { serve } from '../support/processes.ts';

const KILLS = Number(process.env.FINISHLINE_CHAOS_KILLS ?? 2);
const WRITERS = 16;
/** How many writes must have been acknowledged in a round before the kill comes. */
const ACKS_BEFORE_KILL = 40;


interface Tally {
  tried: number;
  acknowledged: string[];
  serverErrors: number;
}

/** Writers that create tasks and comment on them until the server goes away. */
async function writeUntilKilled(baseUrl: string, token: string, round: number, kill: () => void): Promise<Tally> {
  const api = client(baseUrl, token);
  const tally: Tally = { tried: 0, acknowledged: [], serverErrors: 0 };
  let killed = false;
  const writer = async (w: number) => {
    for (let i = 0; !killed; i++) {
      tally.tried++;
      try {
        const res = await api.post('/api/v1/tasks', { title: `Round ${round} writer ${w} task ${i}` });
        if (res.status >= 500) tally.serverErrors++;
        if (res.status === 201) tally.acknowledged.push(res.body.id);
      } catch {
        return; // the connection died with the server: that write was never acknowledged
      }
      if (!killed && tally.acknowledged.length >= ACKS_BEFORE_KILL) {
        killed = true;
        kill();
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  // Every writer lost its connection before enough acknowledgements (a very slow machine): kill now all the same.
  if (!killed) kill();
  return tally;
}

for (const choice of await testDatabases()) {
  describe.skipIf(choice.skip !== null)(`SIGKILL in the middle of concurrent writes (${choice.name})`, () => {
    let database: TestDatabase;
    let databaseUrl: string;
    beforeAll(async () => {
      database = choice.make();
      databaseUrl = await database.create();
    });
    afterAll(async () => database?.drop());

    it(`keeps every acknowledged write across ${KILLS} kills${choice.name === 'sqlite' ? ', and the file stays sound' : ''}`, async () => {
      let server = await serve(databaseUrl);
      const signup = await client(server.baseUrl).post('/api/v1/signup', { orgName: 'Crash Test Cleaning', timezone: 'Europe/London', name: 'Cas', email: 'cas@example.test', password: PASSWORD });
      expect(signup.status).toBe(201);
      const token: string = signup.body.token;
      const acknowledged: string[] = [];
      let tried = 0;
      let serverErrors = 0;

      for (let round = 0; round < KILLS; round++) {
        const current = server;
        const tally = await writeUntilKilled(current.baseUrl, token, round, () => current.child.kill('SIGKILL'));
        expect((await current.exited).signal).toBe('SIGKILL');
        tried += tally.tried;
        serverErrors += tally.serverErrors;
        acknowledged.push(...tally.acknowledged);
        server = await serve(databaseUrl);
        const api = client(server.baseUrl, token);
        const missing = [];
        for (const id of acknowledged) if ((await api.get(`/api/v1/tasks/${id}`)).status !== 200) missing.push(id);
        expect(missing, `round ${round}: acknowledged writes lost`).toEqual([]);
        console.log(`[crash ${choice.name}] round ${round + 1}/${KILLS}: ${tally.acknowledged.length} acknowledged of ${tally.tried} tried, all ${acknowledged.length} acknowledged so far present`);
      }

      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
      if (choice.name === 'sqlite') {
        const file = new SqliteDatabase(databaseUrl.slice('sqlite:'.length), { readonly: true });
        try {
          expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
          expect(file.pragma('foreign_key_check')).toEqual([]);
        } finally {
          file.close();
        }
      }
      expect(serverErrors).toBe(0);
      console.log(`[crash ${choice.name}] kills survived: ${KILLS}, writes tried: ${tried}, acknowledged: ${acknowledged.length}, lost: 0, 5xx: ${serverErrors}`);
    }, KILLS * 120_000); // a restart is slow on a loaded machine: generous, never a measure
  });
}
