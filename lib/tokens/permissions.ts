/** What an access token can grant (roles allow subsets: lib/users/permissions.ts). */
export const PERMISSIONS = ['read', 'write', 'rename', 'delete', 'create'] as const;
export type Permission = (typeof PERMISSIONS)[number];
