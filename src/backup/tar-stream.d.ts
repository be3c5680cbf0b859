// The little of tar-stream (which ships no types) that the backup archive uses.
declare module 'tar-stream' {
  import type { Readable, Writable } from 'node:stream';

  interface Header {
    name: string;
    size?: number;
    type?: 'file' | 'directory' | string;
    mode?: number;
    mtime?: Date;
  }

  interface Pack extends Readable {
    entry(header: Header, callback: (error?: Error | null) => void): Writable;
    entry(header: Header, content: string | Buffer, callback?: (error?: Error | null) => void): Writable;
    finalize(): void;
  }

  interface Extract extends Writable {
    on(event: 'entry', listener: (header: Header, stream: Readable, next: (error?: unknown) => void) => void): this;
    on(event: 'finish' | 'close', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  export function pack(): Pack;
  export function extract(): Extract;
}
