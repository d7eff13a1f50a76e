import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exchangePortalToken } from '../../src/modules/portal-sessions/portal-sessions.service.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { createProject, type TestProject } from '../support/factories.ts';

let t: TestApp;
let project: TestProject;
let example: ChildProcess;
let exampleUrl: string;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t.url, { redirectUris: ['https://myapp.com/dashboard'] });
  example = spawn(process.execPath, ['examples/express/server.js'], {
    env: {
      ...process.env,
      PORT: '0',
      LANGGAN_URL: t.url,
      ASTAPA_CLIENT_ID: project.clientId,
      ASTAPA_CLIENT_SECRET: project.clientSecret,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(example.stdout!, 'data')) as [Buffer];
  exampleUrl = /http:\/\/[\d.:]+/.exec(line.toString())![0];
});

afterAll(async () => {
  example?.kill();
  await t?.close();
});

it("runs the seed page's Express snippet unchanged against a live instance", async () => {
  const res = await fetch(`${exampleUrl}/billing`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(`${t.deps.config.publicUrl}/portal`);
  expect(location.searchParams.get('redirect_uri')).toBe('https://myapp.com/dashboard');
  const token = location.searchParams.get('session')!;
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

  // The link works once, for the snippet's user, and keeps the registered redirect_uri.
  const exchanged = await exchangePortalToken(t.deps, token, location.searchParams.get('redirect_uri'));
  expect(exchanged.ok).toBe(true);
  if (!exchanged.ok) return;
  expect(exchanged.session.redirect_uri).toBe('https://myapp.com/dashboard');
  const user = await t.database.db.selectFrom('end_users').selectAll().where('id', '=', exchanged.session.end_user_id).executeTakeFirstOrThrow();
  expect(user.external_id).toBe('user_abc123');
  expect(user.project_id).toBe(project.id);
});
