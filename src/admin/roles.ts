/**
 * Who may do what in the editors' workspace. Editors write drafts and read the insights (anonymous
 * counts: they show which questions and searches need content), reviewers also approve and publish
 * drafts and export the published content, admins manage users and read the audit log. A role's permissions are listed here and nowhere
 * else; routes ask `can(role, permission)`.
 */
export const roles = ['editor', 'reviewer', 'admin'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  editor: 'Editor',
  reviewer: 'Reviewer',
  admin: 'Admin',
};

export const roleDescriptions: Record<Role, string> = {
  editor: 'writes and updates services, cards, FAQs and contacts as drafts',
  reviewer: 'also approves and publishes other people’s drafts, and exports the published content',
  admin: 'also adds users, changes their roles and reads the audit log',
};

export type Permission = 'edit' | 'review' | 'manage-users' | 'read-audit' | 'read-insights' | 'export';

const permissions: Record<Role, readonly Permission[]> = {
  editor: ['edit', 'read-insights'],
  reviewer: ['edit', 'review', 'read-insights', 'export'],
  admin: ['edit', 'review', 'manage-users', 'read-audit', 'read-insights', 'export'],
};

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (roles as readonly string[]).includes(value);

export const can = (role: Role, permission: Permission): boolean => permissions[role].includes(permission);
