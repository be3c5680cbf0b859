// A photo made smaller in the browser before it travels: at most 2048 px on its
// longer side, upright (the browser applies the EXIF orientation when it
// decodes), as JPEG. Anything the browser cannot decode is sent as it is.
export const MAX_SIDE = 2048;

export async function downscale(file: File): Promise<{ blob: Blob; name: string }> {
  if (!file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return { blob: file, name: file.name };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return { blob: file, name: file.name };
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.type === 'image/jpeg') {
    bitmap.close();
    return { blob: file, name: file.name };
  }
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  if (!blob) return { blob: file, name: file.name };
  return { blob, name: file.name.replace(/\.[^.]*$/, '') + '.jpg' };
}
