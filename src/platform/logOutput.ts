// Where the server's log lines go: standard output, each line written at once
// and never waited on. pino's default output buffers lines and, at exit, writes
// what is left synchronously, retrying for ever when the reader has gone (a
// supervisor that sent SIGTERM and exited): the process never ends. Here a line
// the reader cannot take now is dropped, and once nobody reads, nothing more is written.
import { writeSync } from 'node:fs';

export function logOutput(fd = 1): { write(line: string): void } {
  let closed = false;
  return {
    write(line: string) {
      if (closed) return;
      let bytes = Buffer.from(line, 'utf8');
      try {
        while (bytes.length > 0) bytes = bytes.subarray(writeSync(fd, bytes));
      } catch (error) {
        // EAGAIN: the reader is behind, and this line is dropped rather than the server waiting for it.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') closed = true;
      }
    },
  };
}
