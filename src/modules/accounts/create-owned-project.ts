import type { Deps } from '../../deps.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { CreateProjectBody } from '../projects/projects.schemas.ts';
import { createProjectIn } from '../projects/projects.service.ts';
import { upsertMembership } from './accounts.repository.ts';

/**
 * A project created in the dashboard (by an instance admin; the caller checks): its creator
 * becomes its owner and the creation is audited, in the project's own transaction. The
 * client secret is returned this once.
 */
export async function createOwnedProject(deps: Deps, input: CreateProjectBody, creator: { userId: string; ip: string | null }) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const created = await createProjectIn(trx, input, now);
    const projectId = created.project.id;
    await upsertMembership(trx, { projectId, userId: creator.userId, role: 'owner', now });
    await recordAudit(trx, { actorUserId: creator.userId, projectId, action: 'project.created', subjectId: projectId, ip: creator.ip, data: { name: input.name }, now });
    return created;
  });
}
