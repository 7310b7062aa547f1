import type { Role } from '@/lib/generated/prisma/enums';
import { PERMISSIONS, type Permission } from '@/lib/tokens/permissions';

/** What each role may ever do; a token's permissions are cut down to these on every call. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  editor: PERMISSIONS,
  viewer: ['read'],
};

/** `granted` (a token's permissions) cut down to what `role` allows now. */
export const effectivePermissions = (granted: readonly Permission[], role: Role): Set<Permission> =>
  new Set(granted.filter((permission) => ROLE_PERMISSIONS[role].includes(permission)));
