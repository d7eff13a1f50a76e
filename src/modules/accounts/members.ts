import type { Deps } from '../../deps.ts';
import type { Db } from '../../db/database.ts';
import type { ProjectMember, Role } from '../../db/types.ts';
import { AppError } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { findProjectById } from '../projects/projects.repository.ts';
import { projectNotFound } from '../projects/projects.service.ts';
import * as repo from './accounts.repository.ts';

/**
 * Who may work on a project, and as what. A project always keeps at least one owner:
 * demoting or removing the last one is refused (decided under a lock on the owner rows,
 * so two owners demoting each other at once cannot both succeed).
 */
export async function setMemberRole(
  deps: Deps,
  input: { projectId: string; userId: string; role: Role; actorUserId: string | null },
): Promise<ProjectMember> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    if (!(await findProjectById(trx, input.projectId))) throw projectNotFound(input.projectId);
    if (!(await repo.findUserById(trx, input.userId))) throw new AppError('not_found', `No user with id ${input.userId}`);
    const before = await repo.findMembership(trx, input.projectId, input.userId);
    if (before?.role === 'owner' && input.role !== 'owner') await refuseLastOwner(trx, input.projectId, input.userId);
    const member = await repo.upsertMembership(trx, { ...input, now });
    await recordAudit(trx, {
      actorUserId: input.actorUserId,
      projectId: input.projectId,
      action: before ? 'member.role_changed' : 'member.added',
      subjectId: input.userId,
      data: { role: { old: before?.role ?? null, new: input.role } },
      now,
    });
    return member;
  });
}

export async function removeMember(deps: Deps, input: { projectId: string; userId: string; actorUserId: string | null }): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const before = await repo.findMembership(trx, input.projectId, input.userId);
    if (!before) throw new AppError('not_found', 'That person is not a member of this project');
    if (before.role === 'owner') await refuseLastOwner(trx, input.projectId, input.userId);
    await repo.deleteMembership(trx, input.projectId, input.userId);
    await recordAudit(trx, { actorUserId: input.actorUserId, projectId: input.projectId, action: 'member.removed', subjectId: input.userId, data: { role: before.role }, now });
  });
}

async function refuseLastOwner(trx: Db, projectId: string, userId: string): Promise<void> {
  const owners = await repo.lockOwners(trx, projectId);
  if (owners.every((o) => o.user_id === userId)) {
    throw new AppError('conflict', 'A project needs at least one owner: make someone else owner first');
  }
}

/** The role of a user in a project (undefined: not a member). Instance admins read every project. */
export async function roleIn(db: Db, projectId: string, user: { id: string; instance_admin: boolean }): Promise<Role | undefined> {
  const member = await repo.findMembership(db, projectId, user.id);
  if (member) return member.role;
  return user.instance_admin ? 'owner' : undefined;
}
