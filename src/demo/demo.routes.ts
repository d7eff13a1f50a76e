import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Deps } from '../deps.ts';
import { DEMO_END_USER_ID, DEMO_SLUG, type DemoCredentials } from './seed.ts';

/**
 * A stand-in "your app" at /demo (development only). Its "Manage billing" button hits
 * /demo/billing, which does the server-to-server call exactly like the seed page's
 * Express snippet and redirects into the portal.
 */
export function demoRoutes(deps: Deps, credentials: DemoCredentials): FastifyPluginAsync {
  return async (app: FastifyInstance) => {

    app.get('/demo', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('content-security-policy', "default-src 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
      return reply.type('text/html; charset=utf-8').send(demoPage());
    });

    app.get('/demo/billing', { schema: { hide: true } }, async (_request, reply) => {
      // The seed's snippet, with the base URL pointing at this instance.
      const response = await fetch(`${deps.config.publicUrl}/api/platform/portal/sessions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
          end_user_id: DEMO_END_USER_ID,
        }),
      });
      const { portal_url } = (await response.json()) as { portal_url: string };
      return reply.redirect(portal_url + '&redirect_uri=' + encodeURIComponent(`${deps.config.publicUrl}/demo`), 303);
    });
  };
}

function demoPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Notes — your app (Langgan demo)</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7fb;color:#1f2330}
header{background:#1f2330;color:#fff;padding:1rem 2rem}main{max-width:40rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px #0002}
a.button{display:inline-block;background:#4f46e5;color:#fff;padding:.6rem 1.2rem;border-radius:8px;text-decoration:none;font-weight:600}
a.button:focus-visible{outline:3px solid #1f2330;outline-offset:2px}
</style></head>
<body><header><strong>Acme Notes</strong> — a stand-in for your app</header>
<main><div class="card"><h1>Welcome back, Ana</h1>
<p>This page plays the integrator's app. "Manage billing" calls <code>POST /api/platform/portal/sessions</code> from the server, exactly like the Express snippet in the docs, and redirects you to the hosted portal.</p>
<p><a class="button" href="/demo/billing">Manage billing</a></p>
<p>Or, as a customer who left the app: <a href="/portal/login?project=${DEMO_SLUG}">sign in to billing by email</a> with <code>ana@example.com</code>. The code arrives in the mail catcher's inbox (its address is in the start banner).</p>
<p><a href="/docs">API reference and playground</a></p></div></main></body></html>`;
}
