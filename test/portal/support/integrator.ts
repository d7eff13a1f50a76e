import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from '../../support/factories.ts';

/**
 * A stand-in integrator app on another site than the portal (it listens on 127.0.0.1 while
 * the portal's PUBLIC_URL is http://localhost:…). Like the seed's Express snippet, its
 * /billing route asks Langgan for a portal session server-to-server and redirects the
 * browser, appending a registered redirect_uri. It also serves a hostile page for CSRF tests.
 */
export interface Integrator {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The registered redirect_uri ("Back to app" target). */
  dashboardUrl: string;
  /** Every request to /dashboard, in order. */
  arrivals: string[];
  project: TestProject | undefined;
  close(): Promise<void>;
}

export async function startIntegrator(langganApiBase: string): Promise<Integrator> {
  const state: Integrator = {
    url: '',
    port: 0,
    dashboardUrl: '',
    arrivals: [],
    project: undefined,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://integrator.invalid');
      const page = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Integrator</title></head><body><main>${body}</main></body></html>`);
      };
      if (url.pathname === '/billing') {
        const project = state.project!;
        const locale = url.searchParams.get('locale');
        const response = await fetch(`${langganApiBase}/api/platform/portal/sessions`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            client_id: project.clientId,
            client_secret: project.clientSecret,
            end_user_id: url.searchParams.get('user') ?? 'user_abc123',
            ...(locale && { locale }),
          }),
        });
        if (!response.ok) return page(502, `<h1>Langgan said ${response.status}</h1><pre>${await response.text()}</pre>`);
        const { portal_url } = (await response.json()) as { portal_url: string };
        res.writeHead(303, { location: `${portal_url}&redirect_uri=${encodeURIComponent(state.dashboardUrl)}` });
        return res.end();
      }
      if (url.pathname === '/dashboard') {
        state.arrivals.push(url.toString());
        return page(200, '<h1>Integrator dashboard</h1><p>Welcome back.</p>');
      }
      if (url.pathname === '/evil') {
        // A hostile page: a form posting to the portal with whatever token it can guess.
        const target = url.searchParams.get('target') ?? '';
        return page(
          200,
          `<h1>Win a prize</h1><form method="post" action="${target.replace(/"/g, '')}">` +
            `<input type="hidden" name="csrf" value="guessed"><input type="hidden" name="action_id" value="AAAAAAAAAAAAAAAAAAAAAA">` +
            `<button type="submit">Claim</button></form>`,
        );
      }
      page(404, '<h1>Not found</h1>');
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.port = port;
  state.url = `http://127.0.0.1:${port}`;
  state.dashboardUrl = `${state.url}/dashboard`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
