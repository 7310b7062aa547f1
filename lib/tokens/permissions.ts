import type { Role } from '@/lib/generated/prisma/enums';

export const PERMISSIONS = ['read', 'write', 'rename', 'delete', 'create'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What each role may ever do; a token's permissions are cut down to these on every call. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  editor: PERMISSIONS,
  viewer: ['read'],
};

export const effectivePermissions = (granted: readonly Permission[], role: Role): Set<Permission> =>
  new Set(granted.filter((permission) => ROLE_PERMISSIONS[role].includes(permission)));
