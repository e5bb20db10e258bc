import { open } from 'node:fs/promises';

/**
 * A file's first `length` bytes (fewer for a shorter file): where a Parquet file says what it is.
 * Empty when the file cannot be read, which reading it will then say.
 */
export async function readFileHead(path: string, length = 4): Promise<Buffer> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return Buffer.alloc(0);
  try {
    const bytes = Buffer.alloc(length);
    const { bytesRead } = await handle.read(bytes, 0, length, 0);
    return bytes.subarray(0, bytesRead);
  } catch {
    return Buffer.alloc(0);
  } finally {
    await handle.close();
  }
}
