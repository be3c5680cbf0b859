// What a file is, from its first bytes (magic numbers), never from its name or the client's claim.

/** Types a browser could be talked into running or rendering as a page: never handed out as such. */
const ACTIVE = /^(text\/html|application\/xhtml|image\/svg|application\/xml|text\/xml|application\/javascript|text\/javascript)/;

export async function sniffType(path: string): Promise<string> {
  const { fileTypeFromFile } = await import('file-type');
  const found = await fileTypeFromFile(path).catch(() => undefined);
  if (!found || ACTIVE.test(found.mime)) return 'application/octet-stream';
  return found.mime;
}
