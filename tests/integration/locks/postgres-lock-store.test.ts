import { createPostgresLockStore } from '@/lib/locks/postgres-lock-store';
import { addDocument, uniqueFolder } from '../../support/documents';
import { describeLockStoreContract } from '../../support/lock-store-contract';

describeLockStoreContract('Postgres (lib/locks/postgres-lock-store.ts)', () => ({
  store: createPostgresLockStore(),
  documentId: async () => (await addDocument(uniqueFolder('locks'), 'x.docx')).id,
}));
