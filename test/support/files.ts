// Files for attachment tests, made on the spot: photos with EXIF (GPS and orientation), and uploads over HTTP.
import { request as httpRequest } from 'node:http';
import sharp from 'sharp';

/** A JPEG `width`×`height` whose EXIF says "rotate 90° clockwise" (orientation 6) and carries a GPS position. */
export async function photoWithGps(width = 3000, height = 1000): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'FieldPhone', Model: 'Test camera' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '53/1 47/1 5000/100', GPSLongitudeRef: 'W', GPSLongitude: '1/1 32/1 4000/100' },
    })
    .toBuffer();
}

export async function png(width = 40, height = 30): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 128, b: 255, alpha: 1 } } }).png().toBuffer();
}

/** True when an EXIF block names a GPS directory (tag 0x8825, either byte order). */
export function hasGpsTag(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  return exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));
}

export interface UploadAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export async function upload(baseUrl: string, token: string, path: string, file: { bytes: Buffer; name: string; type?: string }, fields: Record<string, string> = {}): Promise<UploadAnswer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  return { status: res.status, body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text, headers: res.headers };
}

/**
 * A multipart upload of `size` bytes by a client that writes its whole body
 * before it reads the answer (as Node's http client does): what it reads back.
 */
export function uploadWholeBody(baseUrl: string, token: string, path: string, size: number): Promise<{ status: number; body: any }> {
  const boundary = `----finishline${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + size + tail.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.write(head);
    const block = Buffer.alloc(64 * 1024, 7);
    let left = size;
    const writeMore = () => {
      while (left > 0) {
        const n = Math.min(left, block.length);
        left -= n;
        if (!req.write(n === block.length ? block : block.subarray(0, n))) return void req.once('drain', writeMore);
      }
      req.end(tail);
    };
    writeMore();
  });
}
