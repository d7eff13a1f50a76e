import { createHash } from 'node:crypto';

/** The inbox pages' one stylesheet, inline and allowed by its hash: no file to serve, no 'unsafe-inline'. */
export const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f6f7f9}
.site{background:#1b1f24;color:#fff;padding:.75rem 1rem}
.site a{color:#fff;font-weight:600;text-decoration:none}
.site a:hover{text-decoration:underline}
main{max-width:72rem;margin:0 auto;padding:1rem 1rem 2rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.125rem;margin:1.5rem 0 .5rem}
a{color:#0b57d0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
.bar{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;justify-content:space-between;margin-bottom:1rem}
.bar p{margin:0}
button{font:inherit;padding:.4rem 1rem;border:1px solid #b3261e;border-radius:6px;background:#fff;color:#b3261e;cursor:pointer}
button:hover{background:#fceeee}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #d0d4da}
th,td{text-align:left;vertical-align:top;padding:.5rem .75rem;border-bottom:1px solid #e3e6ea;overflow-wrap:anywhere}
thead th{background:#eef0f3}
.time{white-space:nowrap}
.empty{background:#fff;border:1px dashed #b8bec7;border-radius:6px;padding:1.5rem}
.summary{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;background:#fff;border:1px solid #d0d4da;padding:.75rem 1rem;margin:0}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #d0d4da;padding:.75rem 1rem;margin:0;font-size:.875rem}
iframe{display:block;width:100%;height:36rem;border:1px solid #d0d4da;background:#fff}
summary{cursor:pointer;font-weight:600;margin:1.5rem 0 .5rem}
.headers th{width:12rem;font-weight:600;overflow-wrap:break-word}
.muted{color:#545b66}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
@media (max-width:40rem){
.messages thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
.messages,.messages tbody,.messages td{display:block}
.messages tr{display:flex;flex-direction:column;border-bottom:1px solid #d0d4da;padding:.5rem .75rem}
.messages td{border:0;padding:.125rem 0}
.messages .subject{order:-1;font-weight:600}
.messages .labelled::before{content:attr(data-label) ": ";font-weight:600}
.summary{grid-template-columns:1fr}
.summary dd{margin-bottom:.5rem}
.headers th,.headers td{display:block;width:auto}
.headers th{border:0;padding-bottom:0}
iframe{height:28rem}
}`;

const styleHash = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

/** The inbox pages: nothing but the inline stylesheet above, frames of our own origin (the message's HTML), forms to ourselves. */
export const PAGE_CSP = `default-src 'none'; style-src ${styleHash}; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
