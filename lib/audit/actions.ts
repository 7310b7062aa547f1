import type { AuditInput } from '@/lib/audit/audit';

/**
 * The actions the code records (grep `recordAudit` and `action: '` across lib/), grouped for the
 * audit page's select. A new action belongs here too; the page also lists any other action found
 * in the table, so an event is never unfilterable.
 */
export const KNOWN_AUDIT_ACTIONS = [
  { group: 'Editors (WOPI)', action: 'wopi.open', label: 'Open in an editor' },
  { group: 'Editors (WOPI)', action: 'wopi.save', label: 'Save' },
  { group: 'Editors (WOPI)', action: 'wopi.lock', label: 'Lock' },
  { group: 'Editors (WOPI)', action: 'wopi.unlock', label: 'Unlock' },
  { group: 'Editors (WOPI)', action: 'wopi.refresh_lock', label: 'Refresh lock' },
  { group: 'Editors (WOPI)', action: 'wopi.unlock_and_relock', label: 'Unlock and relock' },
  { group: 'Editors (WOPI)', action: 'wopi.rename', label: 'Rename' },
  { group: 'Editors (WOPI)', action: 'wopi.put_relative', label: 'Save as' },
  { group: 'Editors (WOPI)', action: 'wopi.delete', label: 'Delete' },
  { group: 'Portal', action: 'document.upload', label: 'Upload' },
  { group: 'Portal', action: 'document.create', label: 'New document' },
  { group: 'Portal', action: 'document.version_restored', label: 'Version restored' },
  { group: 'Portal', action: 'document.version_downloaded', label: 'Version downloaded' },
  { group: 'Sign-in', action: 'auth.sign_in', label: 'Sign-in' },
  { group: 'Sign-in', action: 'auth.sign_out', label: 'Sign-out' },
  { group: 'Files', action: 'document.rename', label: 'Document renamed' },
  { group: 'Files', action: 'document.move', label: 'Document moved' },
  { group: 'Files', action: 'document.copy', label: 'Document copied' },
  { group: 'Files', action: 'document.delete', label: 'Document deleted (to the trash)' },
  { group: 'Files', action: 'document.restore', label: 'Document restored' },
  { group: 'Files', action: 'document.purge', label: 'Document deleted forever' },
  { group: 'Files', action: 'folder.create', label: 'Folder created' },
  { group: 'Files', action: 'folder.rename', label: 'Folder renamed' },
  { group: 'Files', action: 'folder.move', label: 'Folder moved' },
  { group: 'Files', action: 'folder.copy', label: 'Folder copied' },
  { group: 'Files', action: 'folder.delete', label: 'Folder deleted (to the trash)' },
  { group: 'Files', action: 'folder.restore', label: 'Folder restored' },
  { group: 'Files', action: 'folder.purge', label: 'Folder deleted forever' },
  { group: 'Files', action: 'trash.emptied', label: 'Trash emptied' },
  { group: 'Users', action: 'user.created', label: 'User added' },
  { group: 'Users', action: 'user.role_changed', label: 'Role changed' },
  { group: 'Users', action: 'user.disabled', label: 'User disabled' },
  { group: 'Users', action: 'user.enabled', label: 'User enabled' },
  { group: 'Users', action: 'user.password_reset', label: 'Password reset' },
  { group: 'Users', action: 'user.password_changed', label: 'Password changed' },
  { group: 'Maintenance', action: 'document.mirror_repaired', label: 'Visible copy repaired' },
  { group: 'Maintenance', action: 'janitor.trash_purged', label: 'Trash purged' },
  { group: 'Maintenance', action: 'janitor.version_pruned', label: 'Versions pruned' },
  { group: 'Maintenance', action: 'janitor.blob_removed', label: 'Unreferenced blobs removed' },
  { group: 'Maintenance', action: 'janitor.upload_aborted', label: 'Stale uploads aborted' },
  { group: 'Maintenance', action: 'janitor.locks_removed', label: 'Expired locks removed' },
  { group: 'Maintenance', action: 'janitor.token_uses_removed', label: 'Old token uses removed' },
] as const;

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const satisfies readonly AuditInput['outcome'][];
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Actions the system takes by itself (no user): shown as "System" rather than an unknown user. */
export const isSystemAction = (action: string) =>
  action.startsWith('janitor.') || action === 'document.mirror_repaired';
