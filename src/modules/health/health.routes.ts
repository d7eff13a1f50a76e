import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.ts';
import { withDeadline } from '../../lib/deadline.ts';
import { AppError } from '../../lib/errors.ts';
import { errorResponses } from '../../lib/schema.ts';
import { schedulerLagSeconds } from '../../scheduler/lag.ts';

const tags = ['Operations'];

/**
 * The readiness probe's own deadline: a load balancer must learn within a second or two
 * that the database is hung, whatever the statement timeout of ordinary requests is.
 */
export const READY_PROBE_TIMEOUT_MS = 1500;

export function healthRoutes(deps: Deps): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Probes hit these constantly: log them only at warn and above (or not at all when silent).
    const logLevel = deps.config.logLevel === 'silent' ? 'silent' : 'warn';
    app.get(
      '/healthz',
      {
        logLevel,
        schema: {
          tags,
          summary: 'Liveness',
          description: 'Answers 200 while the process is up. Touches nothing else.',
          response: { 200: Type.Object({ status: Type.Literal('ok') }, { examples: [{ status: 'ok' }] }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/readyz',
      {
        logLevel,
        schema: {
          tags,
          summary: 'Readiness',
          description: 'Answers 200 when the database answers a query within 1.5 s (503 database_unavailable otherwise), with the scheduler lag: the age of the oldest overdue period end, grace end or payment check. Point load balancers here.',
          response: {
            200: Type.Object(
              {
                status: Type.Literal('ok'),
                database: Type.String(),
                scheduler_lag_seconds: Type.Integer({
                  description: 'Age of the oldest overdue scheduled work (period ends, grace ends, payment checks); 0 when none.',
                }),
              },
              { examples: [{ status: 'ok', database: 'postgres', scheduler_lag_seconds: 0 }] },
            ),
            ...errorResponses(503),
          },
        },
      },
      async (request) => {
        let lag: number;
        try {
          lag = await withDeadline(schedulerLagSeconds(deps.db, deps.clock.now()), READY_PROBE_TIMEOUT_MS);
        } catch (err) {
          request.log.warn({ reason: (err as Error).message }, 'readiness check: database unreachable');
          throw new AppError('database_unavailable', 'The database is not reachable');
        }
        return { status: 'ok' as const, database: deps.dbKind, scheduler_lag_seconds: lag };
      },
    );
  };
}
