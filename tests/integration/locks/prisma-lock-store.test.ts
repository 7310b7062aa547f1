import { createPrismaLockStore } from '@/lib/locks/prisma-lock-store';
import { addDocument, uniqueFolder } from '../../support/documents';
import { describeLockStoreContract } from '../../support/lock-store-contract';

describeLockStoreContract('Postgres (lib/locks/prisma-lock-store.ts)', () => ({
  store: createPrismaLockStore(),
  documentId: async () => (await addDocument(uniqueFolder('locks'), 'x.docx')).id,
}));
