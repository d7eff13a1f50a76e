import { html, safeUrl, type SafeHtml } from '../../../web/html.ts';
import { layout, type Chrome } from './layout.ts';

export interface MessageView {
  chrome: Chrome;
  title: string;
  explain: string;
  /** "Back to app": a registered redirect_uri, or nothing. */
  backToApp?: string | null;
  /** A link inside the portal (e.g. back to the overview), when the session is live. */
  link?: { href: string; label: string };
}

/** Link errors, the "session ended" page, refusals and failures: a title, a sentence, a way on. */
export function messagePage(v: MessageView): SafeHtml {
  const { t } = v.chrome;
  const back = safeUrl(v.backToApp);
  return layout(
    v.chrome,
    v.title,
    html`<h1>${v.title}</h1>
<section class="card" aria-labelledby="message-explain">
<p class="lead" id="message-explain">${v.explain}</p>
${
  back || v.link
    ? html`<div class="actions">
${back ? html`<a class="button" href="${back}">${t.backToApp}</a>` : ''}
${v.link ? html`<a class="button${back ? ' secondary' : ''}" href="${v.link.href}">${v.link.label}</a>` : ''}
</div>`
    : ''
}
</section>`,
  );
}
