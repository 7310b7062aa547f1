import { sql } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import { log } from '@/lib/log';

export type AuditInput = {
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  userId?: string | null;
  documentId?: string | null;
  details?: Prisma.InputJsonValue;
};

/**
 * Records an audit event (one plain INSERT: it is on every WOPI state change); a failure to
 * record is logged, never turned into a failed request.
 */
export const recordAudit = async (input: AuditInput) => {
  try {
    await sql(
      'INSERT INTO "AuditEvent" (action, outcome, "userId", "documentId", details) VALUES ($1, $2, $3::uuid, $4::uuid, $5::jsonb)',
      [
        input.action,
        input.outcome,
        input.userId ?? null,
        input.documentId ?? null,
        input.details === undefined ? null : JSON.stringify(input.details),
      ],
    );
  } catch (error) {
    log.error({ err: error, action: input.action }, 'audit event not recorded');
  }
};
