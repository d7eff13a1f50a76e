import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Locale } from '../../db/types.ts';
import type { Deps } from '../../deps.ts';
import type { AuthenticatedClient } from '../../http/auth/client-credentials.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { addInterval } from '../../lib/periods.ts';
import { findProjectById } from '../projects/projects.repository.ts';
import * as repo from './portal-sessions.repository.ts';
import type { CreatePortalSessionBody, PortalSessionResponse } from './portal-sessions.schemas.ts';

/** Portal tokens live five minutes and are used once (the seed's promise). */
export const PORTAL_TOKEN_TTL_SECONDS = 300;

/**
 * Mints a single-use portal token for one of the calling project's end users.
 * The token (256 random bits, base64url) is returned once; only its SHA-256 is stored.
 *
 * `client` comes from the credential cache, which may be stale after a rotation on another
 * instance: the mint statement re-asserts the secret hash (the current one, or the previous
 * one within its grace window), and a stale hash ends in a fresh check that throws
 * `invalid_credentials`.
 */
export async function createPortalSession(deps: Deps, client: AuthenticatedClient, body: CreatePortalSessionBody): Promise<PortalSessionResponse> {
  const creds = { clientId: body.client_id, clientSecret: body.client_secret };
  const token = randomToken(32);
  const now = deps.clock.now();
  const input: repo.MintTokenInput = {
    projectId: client.projectId,
    secretHash: client.secretHash,
    externalId: body.end_user_id,
    email: body.email ?? null,
    name: body.name ?? null,
    locale: body.locale ?? null,
    redirectUri: body.redirect_uri ?? null,
    tokenHash: sha256(token),
    newEndUserId: newId('eu'),
    newSubscriptionId: newId('sub'),
    newEventId: newId('evt'),
    monthEnd: addInterval(now, 'month'),
    yearEnd: addInterval(now, 'year'),
    now,
    expiresAt: new Date(now.getTime() + PORTAL_TOKEN_TTL_SECONDS * 1000),
  };

  let authenticated = client;
  let minted = await repo.mintPortalToken(deps.db, input);
  if (!minted) {
    // Rare path: the cached secret hash went stale (rotation on another instance), or the
    // redirect_uri is not registered. Tell them apart with fresh reads.
    deps.credentials.invalidate(creds.clientId);
    const fresh = await deps.credentials.verify(creds, { fresh: true });
    authenticated = fresh;
    if (body.redirect_uri !== undefined) {
      const project = await findProjectById(deps.db, fresh.projectId);
      if (!project?.redirect_uris.includes(body.redirect_uri)) {
        throw new AppError(
          'redirect_uri_not_registered',
          'redirect_uri is not one of this project\'s registered redirect_uris; register it with PATCH /api/admin/projects/{id}',
        );
      }
    }
    minted = await repo.mintPortalToken(deps.db, { ...input, projectId: fresh.projectId, secretHash: fresh.secretHash });
    if (!minted) throw new Error('portal token could not be minted after a fresh credential check');
  }
  // The mint accepted the secret in SQL; its use is written once a minute at most.
  await deps.credentials.recordUse(authenticated);

  return {
    session_token: token,
    portal_url: portalUrl(deps.config, token, body.flow),
    expires_in: PORTAL_TOKEN_TTL_SECONDS,
  };
}

/** A portal session lasts 30 minutes (the cookie's Max-Age matches). */
export const PORTAL_SESSION_TTL_SECONDS = 30 * 60;

export type ExchangeResult =
  | { ok: true; sessionSecret: string; session: repo.OpenedSession }
  | { ok: false; reason: 'unknown' | 'used' | 'expired'; backToAppUrl: string | null };

/**
 * Swaps a single-use portal token for a server-side portal session. The session secret
 * goes into the httpOnly cookie; only its SHA-256 is stored. A failed exchange says why
 * and, when a registered redirect_uri is known, where "Back to app" can lead.
 */
export async function exchangePortalToken(
  deps: Deps,
  token: string,
  requestedRedirectUri: string | null,
): Promise<ExchangeResult> {
  const now = deps.clock.now();
  const tokenHash = sha256(token);
  const sessionSecret = randomToken(32);
  const session = await repo.consumeTokenIntoSession(deps.db, {
    tokenHash,
    sessionId: newId('ps'),
    sessionSecretHash: sha256(sessionSecret),
    now,
    sessionExpiresAt: new Date(now.getTime() + PORTAL_SESSION_TTL_SECONDS * 1000),
    requestedRedirectUri,
  });
  if (session) return { ok: true, sessionSecret, session };

  const known = await repo.findToken(deps.db, tokenHash);
  if (!known) return { ok: false, reason: 'unknown', backToAppUrl: null };
  const registered = requestedRedirectUri && known.redirect_uris.includes(requestedRedirectUri) ? requestedRedirectUri : null;
  return {
    ok: false,
    reason: known.used_at ? 'used' : 'expired',
    // A way back to the app whenever one is registered: the one asked for, the link's own,
    // or else the project's first registered URI (a link minted without one).
    backToAppUrl: registered ?? known.redirect_uri ?? known.redirect_uris[0] ?? null,
  };
}

/**
 * A sign-in link Langgan mints itself for one customer: the hosted login page (exchanged
 * at once) and "Pay now" in a renewal reminder (valid until its payment's deadline). The
 * token is a portal token like the session API's, single use, stored as a hash; "Back to
 * app" leads to the project's first registered redirect URI. Runs in the caller's
 * transaction when given one, so an email carrying the link exists only with its token.
 */
export async function mintSignInLink(
  db: Db,
  config: Pick<Config, 'publicUrl'>,
  l: { projectId: string; endUserId: string; redirectUri: string | null; locale: Locale | null; flow: string | null; expiresAt: Date; now: Date },
): Promise<{ token: string; url: string }> {
  const token = randomToken(32);
  await repo.insertPortalToken(db, { tokenHash: sha256(token), projectId: l.projectId, endUserId: l.endUserId, redirectUri: l.redirectUri, locale: l.locale, expiresAt: l.expiresAt, now: l.now });
  return { token, url: portalUrl(config, token, l.flow) };
}

function portalUrl(config: Pick<Config, 'publicUrl'>, token: string, flow: string | null | undefined): string {
  return `${config.publicUrl}/portal?session=${token}${flow ? `&flow=${encodeURIComponent(flow)}` : ''}`;
}
