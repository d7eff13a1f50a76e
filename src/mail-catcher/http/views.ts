import { html, trustedHtml, type SafeHtml } from '../../web/html.ts';
import { isServableImageType, type CaughtMessage } from '../message.ts';
import { partPath } from './message-html.ts';
import { STYLE } from './style.ts';

/** The inbox's pages. Every value from a message goes through `html`, which escapes it. */

const messagePath = (id: string) => `/messages/${encodeURIComponent(id)}`;
const subjectOf = (message: CaughtMessage) => message.subject || '(no subject)';

// The server's own time zone: the developer reading the inbox is on this machine.
const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
const received = (message: CaughtMessage) => html`<time datetime="${message.received_at}">${timeFormat.format(new Date(message.received_at))}</time>`;

function layout(title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – Mail catcher</title><style>${trustedHtml(STYLE)}</style></head>
<body>
<header class="site"><a href="/">Langgan mail catcher</a></header>
<main>
${body}
</main>
</body>
</html>`;
}

function messageRow(message: CaughtMessage): SafeHtml {
  return html`<tr>
<td class="time">${received(message)}</td>
<td class="labelled" data-label="From">${message.from}</td>
<td class="labelled" data-label="To">${message.to.join(', ')}</td>
<td class="subject"><a href="${messagePath(message.id)}">${subjectOf(message)}</a></td>
</tr>`;
}

export function inboxPage(messages: readonly CaughtMessage[], smtpUrl: string): SafeHtml {
  if (messages.length === 0) {
    return layout('Inbox (0)', html`<h1>Inbox</h1>
<p class="empty">No messages yet. Send mail to <code>${smtpUrl}</code> (any credentials, no TLS) and reload this page.
Nothing sent there leaves this machine.</p>`);
  }
  const count = messages.length === 1 ? '1 message' : `${messages.length} messages`;
  return layout(`Inbox (${messages.length})`, html`<h1>Inbox</h1>
<div class="bar">
<p>${count}, newest first. SMTP: <code>${smtpUrl}</code>. Nothing sent here leaves this machine.</p>
<form method="post" action="/messages/delete-all"><button type="submit">Delete all</button></form>
</div>
<table class="messages">
<caption class="visually-hidden">Messages, newest first</caption>
<thead><tr><th scope="col">Received</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
<tbody>
${messages.map(messageRow)}
</tbody>
</table>`);
}

function attachmentsSection(message: CaughtMessage): SafeHtml | '' {
  if (message.attachments.length === 0) return '';
  const items = message.attachments.map((a) => {
    const name = a.filename ?? (a.cid ? `cid:${a.cid}` : 'unnamed');
    const details = html`<span class="muted">(${a.content_type}, ${a.size.toLocaleString('en')} bytes)</span>`;
    // Inline images are served (the HTML above shows them); other attachments are listed only.
    if (a.cid && isServableImageType(a.content_type)) return html`<li><a href="${partPath(message.id, a.cid)}">${name}</a> ${details}</li>`;
    return html`<li>${name} ${details}</li>`;
  });
  return html`<h2>Attachments</h2><ul>${items}</ul>`;
}

function headersTable(message: CaughtMessage): SafeHtml {
  const rows = Object.entries(message.headers).map(([name, value]) => html`<tr><th scope="row">${name}</th><td>${value}</td></tr>`);
  return html`<details><summary>All headers (${rows.length})</summary>
<table class="headers"><caption class="visually-hidden">Headers</caption><tbody>${rows}</tbody></table>
</details>`;
}

export function messagePage(message: CaughtMessage): SafeHtml {
  const htmlBody = message.html === null
    ? html`<p class="muted">This message has no HTML part.</p>`
    : html`<iframe sandbox src="${messagePath(message.id)}/html" title="HTML body of the message"></iframe>`;
  return layout(subjectOf(message), html`<p><a href="/">← Inbox</a></p>
<h1>${subjectOf(message)}</h1>
<dl class="summary">
<dt>From</dt><dd>${message.headers.from ?? message.from}</dd>
<dt>To</dt><dd>${message.headers.to ?? '–'}</dd>
${message.headers.cc === undefined ? '' : html`<dt>Cc</dt><dd>${message.headers.cc}</dd>`}
<dt>Delivered to</dt><dd>${message.to.join(', ')}</dd>
<dt>Received</dt><dd>${received(message)}</dd>
<dt>Message-ID</dt><dd>${message.message_id ?? '–'}</dd>
</dl>
<h2>HTML</h2>
${htmlBody}
<h2>Text</h2>
<pre>${message.text || '(empty)'}</pre>
${attachmentsSection(message)}
${headersTable(message)}`);
}

export function notFoundPage(what: string): SafeHtml {
  return layout('Not found', html`<h1>Not found</h1><p>${what}</p><p><a href="/">Back to the inbox</a></p>`);
}
