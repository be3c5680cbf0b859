// A stand-in for a process supervisor: starts `finishline serve` as the README
// says, with its output piped here and read, tells the test its pid on stdout;
// given "stop" on stdin, sends SIGTERM to the server's process group and exits
// at once, so the server's output pipe has nobody reading it any more.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const server = spawn(process.execPath, ['bin/finishline.js', 'serve'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: process.env });
server.stdout.on('data', () => {});
server.stderr.on('data', () => {});
server.once('exit', (code, signal) => {
  process.stdout.write(`exited ${code} ${signal}\n`);
});
process.stdout.write(`pid ${server.pid}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stop') return;
  process.kill(-server.pid, 'SIGTERM');
  process.exit(0);
});
