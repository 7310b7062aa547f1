import { db, type Tx } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import { log } from '@/lib/log';

export type AuditInput = {
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  userId?: string | null;
  documentId?: string | null;
  details?: Prisma.InputJsonValue;
};

/** Records an audit event; a failure to record is logged, never turned into a failed request. */
export const recordAudit = async (input: AuditInput, tx: Tx = db) => {
  try {
    await tx.auditEvent.create({
      data: { ...input, userId: input.userId ?? null, documentId: input.documentId ?? null },
    });
  } catch (error) {
    log.error({ err: error, action: input.action }, 'audit event not recorded');
  }
};
