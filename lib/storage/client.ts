import { S3Client } from '@aws-sdk/client-s3';
import { env } from '@/lib/env';

const create = () => {
  const hasStaticKeys = env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY;

  return new S3Client({
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    // The SDK's default aws-chunked trailer checksums corrupt streamed bodies on s3rver and
    // some S3-compatible servers; checksums only where an operation requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: hasStaticKeys
      ? { accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY! }
      : undefined,
    maxAttempts: 3,
  });
};

const globalForS3 = globalThis as unknown as { wopiS3?: S3Client };

export const getS3 = (): S3Client => (globalForS3.wopiS3 ??= create());

export const resetS3 = () => {
  globalForS3.wopiS3?.destroy();
  globalForS3.wopiS3 = undefined;
};
