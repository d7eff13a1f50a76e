import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../../deps.ts';
import type { Project, Role } from '../../../db/types.ts';
import { AppError } from '../../../lib/errors.ts';
import { roleIn } from '../../../modules/accounts/members.ts';
import { can, type Capability } from '../../../modules/accounts/roles.ts';
import { findProjectById } from '../../../modules/projects/projects.repository.ts';
import { dashboardContext } from './session.ts';

export interface ProjectAccess {
  project: Project;
  role: Role;
}

const access = new WeakMap<FastifyRequest, ProjectAccess>();

export function projectAccess(request: FastifyRequest): ProjectAccess {
  const found = access.get(request);
  if (!found) throw new Error('project route without the loadProject preHandler');
  return found;
}

/**
 * preHandler (after requireSignedIn) of every /dashboard/projects/:projectId route: the
 * project and the reader's role in it. A project the reader is not a member of is a 404,
 * exactly like one that does not exist (nothing tells them it does).
 */
export function loadProject(deps: Deps) {
  return async function loadProjectHook(request: FastifyRequest): Promise<void> {
    const { projectId } = request.params as { projectId: string };
    const ctx = dashboardContext(request);
    const project = /^prj_[A-Za-z0-9_-]{1,64}$/.test(projectId) ? await findProjectById(deps.db, projectId) : undefined;
    const role = project ? await roleIn(deps.db, project.id, ctx.user) : undefined;
    if (!project || !role) throw new AppError('not_found', 'No such project');
    access.set(request, { project, role });
  };
}

/** Checked on the server for every action: a role without `capability` gets 403 and nothing changes. */
export function requireCapability(capability: Capability) {
  return async function requireCapabilityHook(request: FastifyRequest): Promise<void> {
    if (!can(projectAccess(request).role, capability)) throw new AppError('forbidden', 'Your role in this project does not allow this');
  };
}
