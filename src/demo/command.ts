// `finishline demo [--scale N] [--seed S]`: loads the demo business into the
// configured database, with a progress bar for the bulk tasks, and prints how
// to sign in.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { readConfig } from '../config.ts';
import { databaseLabel, openDatabase } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrations.ts';
import { type AutomationRunner, loadDemo, type PlaybookInstaller } from './service.ts';

export const DEMO_USAGE = 'Usage: finishline demo [--scale N] [--seed S]   (N extra tasks in bulk, default 0; S the seed, default 1)';

export async function demoCommand(args: string[], wiring: { installPlaybook?: PlaybookInstaller; runAutomation?: AutomationRunner } = {}): Promise<void> {
  const options = parseOptions(args);
  if (!options) {
    console.error(DEMO_USAGE);
    process.exitCode = 2;
    return;
  }
  const { databaseUrl } = readConfig();
  const database = openDatabase(databaseUrl);
  try {
    await migrateToLatest(database.db);
    console.log(`Loading the demo business into ${databaseLabel(databaseUrl)} (seed ${options.seed})…`);
    const bar = new cliProgress.SingleBar(
      {
        format: 'tasks |{bar}| {percentage}% | {value}/{total} | {rate} tasks/s | eta {eta_formatted}',
        hideCursor: true,
        etaBuffer: 20,
        // Without a terminal (CI, a log file), a line every few seconds instead of a redrawn bar.
        noTTYOutput: true,
        notTTYSchedule: 5000,
      },
      cliProgress.Presets.shades_classic,
    );
    const started = performance.now();
    const result = await loadDemo(database, {
      seed: options.seed,
      scale: options.scale,
      installPlaybook: wiring.installPlaybook,
      runAutomation: wiring.runAutomation,
      onProgress: (done, total) => {
        const rate = Math.round(done / Math.max((performance.now() - started) / 1000, 0.001));
        if (done === 0) bar.start(total, 0, { rate: 0 });
        else bar.update(done, { rate });
        if (done === total) bar.stop();
      },
    });
    const c = result.counts;
    console.log(`${result.orgName}: ${c.people} people in ${c.teams} teams, ${c.contacts} contacts, ${c.clients} clients, ${c.pipelines} pipelines, ${c.leads} leads, ${c.jobs} jobs, ${c.services} services, ${c.tasks} tasks.`);
    if (result.bulk.tasks > 0) console.log(`Bulk: ${result.bulk.tasks} tasks in ${(result.bulk.ms / 1000).toFixed(1)} s — ${result.bulk.perSecond} tasks/s.`);
    console.log(`\nSign in as the owner:  ${result.login.email}  /  ${result.login.password}`);
    console.log('(Everyone else signs in with the same password: priya@…, sam@…, frank@…, tom@… at the same domain.)');
  } finally {
    await database.close();
  }
}

function parseOptions(args: string[]): { scale: number; seed: number } | null {
  try {
    const { values } = parseArgs({ args, options: { scale: { type: 'string', default: '0' }, seed: { type: 'string', default: '1' } } });
    const scale = Number(values.scale);
    const seed = Number(values.seed);
    if (!Number.isInteger(scale) || scale < 0 || scale > 50_000_000 || !Number.isInteger(seed) || seed < 0) return null;
    return { scale, seed };
  } catch {
    return null;
  }
}
