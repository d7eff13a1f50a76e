import type { Role } from '../../db/types.ts';

/**
 * What each role may do in a project. Every dashboard page and every POST asks `can` on the
 * server; hiding a button is a courtesy, never the check.
 */
export type Capability =
  | 'read' // see the project, its settings, plans, customers and payments
  | 'act_on_customers' // cancel/resume for a customer, payments, refunds
  | 'manage_settings' // settings, branding, plans, keys, webhooks
  | 'manage_members'; // invite, change roles, remove; delete the project

const GRANTS: Record<Role, readonly Capability[]> = {
  owner: ['read', 'act_on_customers', 'manage_settings', 'manage_members'],
  admin: ['read', 'act_on_customers', 'manage_settings'],
  finance: ['read', 'act_on_customers'],
  viewer: ['read'],
};

export const ROLES: readonly Role[] = ['owner', 'admin', 'finance', 'viewer'];

export function can(role: Role | undefined, capability: Capability): boolean {
  return role !== undefined && Object.hasOwn(GRANTS, role) && GRANTS[role].includes(capability);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
