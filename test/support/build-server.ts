// Vitest global setup: compile the server before any test spawns bin/finishline.js,
// and again before each rerun in watch mode, so spawned servers always run the
// current sources, never a dist/ left over from an earlier build.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const buildServer = () => run(process.execPath, ['scripts/build-server.js']);

export default async function setup(project: TestProject): Promise<void> {
  await buildServer();
  project.onTestsRerun(async () => {
    await buildServer();
  });
}
