// Photos made safe and light with sharp (libvips): turned upright by their
// EXIF orientation, then written again without any metadata (a customer's
// GPS position must not travel with the photo), at full size, at most
// 2048 px for viewing, and at most 320 px as a thumbnail.
//
// Each photo is decoded as few times as it can be: one at most 2048 px is
// decoded once into upright pixels, and its full-size copy and thumbnail are
// both encoded from those; a larger one is decoded once at full size for the
// full-size copy, and once more already shrunk (libjpeg and libwebp decode at
// 1/2, 1/4 or 1/8 of the size directly) for the display copy, which the
// thumbnail is made from. Each output is hashed as it is written.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Metadata, Sharp } from 'sharp';
import type { LocalBlob } from './blobs.ts';
import { tempPath } from './spool.ts';

export const DISPLAY_PX = 2048;
export const THUMB_PX = 320;
/** Larger images are refused as images (kept as plain files): a decompression bomb must not take the memory. */
const MAX_PIXELS = 80_000_000;
/**
 * Photos worked on at once: one per core, each on one libvips thread. More
 * would not finish sooner, would each hold their pixels meanwhile, and would
 * take the threads Node's file system calls run on.
 */
const AT_ONCE = Math.max(1, availableParallelism());

type SharpLib = typeof import('sharp').default;
let loaded: Promise<SharpLib> | undefined;

/** libvips is loaded with the first image, not with the server: most starts never see one. */
function imageLibrary() {
  loaded ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loaded;
}

let running = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export interface ProcessedImage {
  contentType: string;
  width: number;
  height: number;
  /** Upright and without metadata, at full size. */
  full: LocalBlob;
  /** The same as `full` when the image is no larger than DISPLAY_PX. */
  display: LocalBlob;
  thumb: LocalBlob;
}

type Output = 'jpeg' | 'png' | 'webp';
const OUTPUT_OF: Record<string, Output> = { jpeg: 'jpeg', png: 'png', webp: 'webp', heif: 'jpeg', avif: 'jpeg', tiff: 'jpeg' };

/** The image made safe, or null when the bytes are not an image sharp can read (it stays a plain file). */
export async function processImage(path: string, workDir: string): Promise<ProcessedImage | null> {
  const sharp = await imageLibrary();
  let meta: Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: MAX_PIXELS }).metadata();
  } catch {
    return null;
  }
  const output = meta.format ? OUTPUT_OF[meta.format] : undefined;
  if (!output || !meta.width || !meta.height || meta.width * meta.height > MAX_PIXELS) return null;
  const turned = (meta.orientation ?? 1) >= 5;
  const width = turned ? meta.height : meta.width;
  const height = turned ? meta.width : meta.height;
  const large = Math.max(width, height) > DISPLAY_PX;
  const target = () => tempPath(workDir, `.${output}`);
  try {
    return await inTurn(async () => {
      const source = () => sharp(path, { limitInputPixels: MAX_PIXELS }).rotate();
      // Upright pixels of at most DISPLAY_PX: the whole image when it is that small, else shrunk as it is decoded.
      const small = await (large ? source().resize(DISPLAY_PX, DISPLAY_PX, { fit: 'inside' }) : source()).raw().toBuffer({ resolveWithObject: true });
      const pixels = () => sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: small.info.channels } });
      const [display, thumb, full] = await Promise.all([
        write(encode(pixels(), output), await target()),
        write(encode(pixels().resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true }), output), await target()),
        large ? write(encode(source(), output), await target()) : null,
      ]);
      return { contentType: `image/${output}`, width, height, full: full ?? display, display, thumb };
    });
  } catch {
    // A file that starts like an image but does not decode (cut off, HEVC without a decoder) stays a plain file.
    return null;
  }
}

function encode(image: Sharp, output: Output): Sharp {
  if (output === 'png') return image.png();
  if (output === 'webp') return image.webp({ quality: 85 });
  // Huffman tables fitted to each photo save a few per cent of its size for twice the time to write it.
  return image.jpeg({ quality: 88, optimiseCoding: false });
}

/** Streams the encoded image to `path`, hashing and counting it on the way. */
async function write(image: Sharp, path: string): Promise<LocalBlob> {
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(image, counter, createWriteStream(path));
  return { path, sha256: hash.digest('hex'), size };
}
