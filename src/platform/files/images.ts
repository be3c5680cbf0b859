// Photos made safe and light with sharp (libvips): turned upright by their
// EXIF orientation, then written again without any metadata (a customer's
// GPS position must not travel with the photo), at full size, at most
// 2048 px for viewing, and at most 320 px as a thumbnail.
import type { Metadata, Sharp } from 'sharp';
import { tempPath } from './spool.ts';

export const DISPLAY_PX = 2048;
export const THUMB_PX = 320;
/** Larger images are refused as images (kept as plain files): a decompression bomb must not take the memory. */
const MAX_PIXELS = 80_000_000;

let loaded: Promise<typeof import('sharp').default> | undefined;

/** libvips is loaded with the first image, not with the server: most starts never see one. */
function imageLibrary() {
  loaded ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return loaded;
}

export interface ProcessedImage {
  contentType: string;
  width: number;
  height: number;
  /** Upright and without metadata, at full size. */
  full: string;
  /** The same as `full` when the image is no larger than DISPLAY_PX. */
  display: string;
  thumb: string;
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
  const upright = () => encode(sharp(path, { limitInputPixels: MAX_PIXELS }).rotate(), output);
  const full = await tempPath(workDir, `.${output}`);
  const thumb = await tempPath(workDir, `.${output}`);
  const large = Math.max(width, height) > DISPLAY_PX;
  const display = large ? await tempPath(workDir, `.${output}`) : full;
  try {
    await Promise.all([
      upright().toFile(full),
      upright().resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true }).toFile(thumb),
      large ? upright().resize(DISPLAY_PX, DISPLAY_PX, { fit: 'inside' }).toFile(display) : null,
    ]);
  } catch {
    // A file that starts like an image but does not decode (cut off, HEVC without a decoder) stays a plain file.
    return null;
  }
  return { contentType: `image/${output}`, width, height, full, display, thumb };
}

function encode(image: Sharp, output: Output): Sharp {
  if (output === 'png') return image.png();
  if (output === 'webp') return image.webp({ quality: 85 });
  return image.jpeg({ quality: 88 });
}
