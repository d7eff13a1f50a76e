import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/app.ts';
import { createProject, createSession } from '../support/factories.ts';
import { http } from '../support/http.ts';

let t: TestApp;
const lines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  t = await startTestApp({ logger: createLogger({ logLevel: 'debug' }, sink) });
});
afterAll(() => t.close());

it('logs every request as structured JSON with a request id, and never a secret, token or credential', async () => {
  const project = await createProject(t.url);
  const session = await createSession(t.url, project, 'logged-user');
  await http(t.url, 'GET', '/api/platform/plans', { basic: project.creds });
  await http(t.url, 'POST', '/api/platform/portal/sessions', { body: { client_id: project.clientId, client_secret: 'wrong-secret-value', end_user_id: 'x' } });

  const records = lines.map((l) => JSON.parse(l) as Record<string, any>);
  const requests = records.filter((r) => r.req);
  expect(requests.length).toBeGreaterThan(3);
  for (const r of requests) expect(r.reqId).toMatch(/^[0-9a-f-]{36}$/);
  // Request URLs are logged without their query string (portal links carry a token there).
  await http(t.url, 'GET', '/api/platform/plans?session=should-not-be-logged', { basic: project.creds });
  expect(lines.join('\n')).not.toContain('should-not-be-logged');
  expect(records.some((r) => r.msg === 'Invalid client credentials')).toBe(true);

  const all = lines.join('\n');
  for (const secret of [project.clientSecret, session.body.session_token, TEST_ADMIN_KEY, 'wrong-secret-value', Buffer.from(`${project.clientId}:${project.clientSecret}`).toString('base64')]) {
    expect(all).not.toContain(secret);
  }
});
