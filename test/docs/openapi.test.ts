import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { http } from '../support/http.ts';

let t: TestApp;
let doc: any;

beforeAll(async () => {
  t = await startTestApp();
  doc = (await http(t.url, 'GET', '/openapi.json')).body;
});
afterAll(() => t.close());

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op })),
  );

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 generated from the routes, with the server URL and security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: t.deps.config.publicUrl }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminKey', 'clientBasic']);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/platform/portal/sessions',
        '/api/platform/plans',
        '/api/platform/end-users/{end_user_id}/subscription',
        '/api/admin/projects',
        '/api/admin/projects/{id}',
        '/api/admin/projects/{id}/rotate-secret',
        '/api/admin/projects/{id}/plans',
        '/api/admin/projects/{id}/plans/{planId}',
        '/healthz',
        '/readyz',
      ]),
    );
  });

  it('gives every operation a summary, a description, a success response and its error responses', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(14);
    for (const { path, method, op } of ops) {
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      expect(op.description?.length, `${method} ${path}`).toBeGreaterThan(20);
      expect(Object.keys(op.responses).some((s) => s.startsWith('2')), `${method} ${path}`).toBe(true);
      if (path.startsWith('/api/')) expect(op.responses['401'] ?? op.responses['400'], `${method} ${path}`).toBeDefined();
    }
  });

  /** Examples of a media type: its own example(s), or its (referenced) schema's. */
  function examplesOf(media: any): unknown[] {
    if (!media) return [];
    if (media.example !== undefined) return [media.example];
    if (media.examples) return Object.values(media.examples).map((e: any) => e.value);
    let schema = media.schema;
    if (schema?.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop()];
    return schema?.examples ?? [];
  }

  it('carries request and response examples for every operation, the seed page example among them', () => {
    for (const { path, method, op } of operations()) {
      if (op.requestBody) expect(examplesOf(op.requestBody.content['application/json']).length, `${method} ${path} request`).toBeGreaterThan(0);
      const success = Object.entries(op.responses as Record<string, any>).find(([s]) => s.startsWith('2'))![1];
      expect(examplesOf(success.content?.['application/json']).length, `${method} ${path} response`).toBeGreaterThan(0);
    }
    const sessions = doc.paths['/api/platform/portal/sessions'].post;
    expect(examplesOf(sessions.requestBody.content['application/json'])).toContainEqual({
      client_id: 'your_client_id',
      client_secret: 'your_client_secret',
      end_user_id: 'user_abc123',
    });
    expect(examplesOf(sessions.responses['200'].content['application/json'])[0]).toEqual({
      session_token: 'a1b2c3...',
      portal_url: 'https://astapa.com/portal?session=a1b2c3...',
      expires_in: 300,
    });
  });

  it('describes errors with the shared ErrorResponse shape', () => {
    expect(doc.components.schemas.ErrorResponse.properties.error.required).toEqual(['code', 'message']);
  });
});

describe('/docs', () => {
  it('serves the interactive reference entirely from our own origin under a strict CSP', async () => {
    const page = await http(t.url, 'GET', '/docs/');
    expect(page.status).toBe(200);
    const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url).not.toMatch(/^(https?:)?\/\//);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https:(?!\/\/)/); // no blanket https: source
    for (const asset of ['static/swagger-ui-bundle.js', 'static/swagger-initializer.js', 'static/swagger-ui.css']) {
      expect((await http(t.url, 'GET', `/docs/${asset}`)).status, asset).toBe(200);
    }
  });
});
