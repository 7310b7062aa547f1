import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { copyObject, deleteObject, headObject, listPage, putObjectStream } from '@/lib/storage/objects';
import { uniqueFolder } from '../../support/documents';

// The mirror copy (syncMirror, lib/documents/content.ts) records the ETag CopyObject answers as
// the visible object's; a later HEAD with another ETag is taken for another tool's change. So a
// copy over a key that readers HEAD and list meanwhile (the next PutFile's HEAD, CheckFileInfo,
// a folder listing) must answer, and leave, the ETag of the bytes it copied. The embedded s3rver
// once rewrote the object's files in place (patches/s3rver+3.7.1.patch): a HEAD in between
// recomputed the missing MD5 file and rewrote it, and the copy's own answer read it empty: `""`.

const prefix = `${uniqueFolder('copy-reads')}/`;
const md5Etag = (body: string) => `"${createHash('md5').update(body).digest('hex')}"`;
const COPIES = 60;

afterAll(async () => {
  await Promise.all(
    [`${prefix}doc.docx`, ...Array.from({ length: COPIES }, (_, i) => `${prefix}.src/${i}`)].map((key) =>
      deleteObject(key).catch(() => {}),
    ),
  );
});

describe('CopyObject over a key while it is read', () => {
  it(`${COPIES} copies under concurrent HEAD and ListObjectsV2 → each answers the copied bytes’ ETag, HEAD agrees after it, no read ever sees an empty ETag`, async () => {
    const key = `${prefix}doc.docx`;
    const bodies = Array.from({ length: COPIES }, (_, i) => `content ${i} `.repeat(500 + i));
    await Promise.all(
      bodies.map((body, i) =>
        putObjectStream({
          key: `${prefix}.src/${i}`,
          body: Readable.from([Buffer.from(body)]),
          size: body.length,
          maxBytes: 1 << 20,
        }),
      ),
    );
    await copyObject(`${prefix}.src/0`, key);
    const wrong: string[] = [];
    let isCopying = true;
    const readers = [
      async () => {
        const head = await headObject(key);
        if (head?.etag === '""') wrong.push('HEAD answered ""');
      },
      async () => {
        const head = await headObject(key);
        if (head?.etag === '""') wrong.push('HEAD answered ""');
      },
      async () => {
        const page = await listPage({ prefix, delimiter: '/' });
        if (page.objects.some((object) => object.etag === '""')) wrong.push('ListObjectsV2 answered ""');
      },
    ].map(async (read) => {
      while (isCopying) await read();
    });
    try {
      for (let i = 1; i < COPIES; i++) {
        const { etag } = await copyObject(`${prefix}.src/${i}`, key);
        if (etag !== md5Etag(bodies[i]!)) wrong.push(`copy ${i} answered ${etag}`);
        const head = await headObject(key);
        if (head?.etag !== md5Etag(bodies[i]!)) wrong.push(`HEAD after copy ${i}: ${head?.etag}`);
      }
    } finally {
      isCopying = false;
      await Promise.all(readers);
    }
    expect(wrong).toEqual([]);
    expect((await headObject(key))?.etag).toBe(md5Etag(bodies[COPIES - 1]!));
  });
});
