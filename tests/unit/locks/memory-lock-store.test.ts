import { randomUUID } from 'node:crypto';
import { describeLockStoreContract } from '../../support/lock-store-contract';
import { createMemoryLockStore } from '../../support/memory-ports';

describeLockStoreContract('memory (tests/support/memory-ports.ts)', () => ({
  store: createMemoryLockStore(),
  documentId: () => Promise.resolve(randomUUID()),
}));
