import type { IncomingMessage } from 'node:http';

export type BodyRead = { kind: 'read'; text: string } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * Reads a request body up to `maxBytes`. A larger body is still read to its end and discarded, so
 * the client finishes uploading and sees the 413 instead of a reset connection.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let isTooLarge = Number(request.headers['content-length'] ?? 0) > maxBytes;
    request.on('data', (chunk: Buffer) => {
      if (isTooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        isTooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      resolve(isTooLarge ? { kind: 'too-large' } : { kind: 'read', text: Buffer.concat(chunks, size).toString('utf8') });
    });
    request.on('error', () => resolve({ kind: 'aborted' }));
    request.on('close', () => {
      if (!request.complete) resolve({ kind: 'aborted' });
    });
  });
}
