import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { startMailCatcher, type MailCatcher } from '../../src/mail-catcher/index.ts';

export async function startTestCatcher(maxMessages?: number): Promise<MailCatcher> {
  return startMailCatcher({ smtpPort: 0, httpPort: 0, ...(maxMessages === undefined ? {} : { maxMessages }) });
}

/** Sends through real SMTP, as the app does; credentials as a relay would want them (the catcher takes any). */
export async function send(catcher: Pick<MailCatcher, 'smtpPort'>, mail: Mail.Options): Promise<{ response: string; messageId: string }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: catcher.smtpPort, secure: false, auth: { user: 'app', pass: 'secret' } });
  try {
    return await transport.sendMail({ from: 'Langgan <billing@langgan.test>', ...mail });
  } finally {
    transport.close();
  }
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; headers: Headers; body: T }> {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/**
 * A raw SMTP conversation: sends each command after the previous reply and returns every
 * reply (the greeting first). Multi-line replies are joined.
 */
export async function smtpChat(port: number, commands: string[]): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  let current = '';
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        current += (current ? '\n' : '') + line;
        if (line[3] === '-') continue;
        replies.push(current);
        current = '';
        const next = commands[replies.length - 1];
        if (next === undefined) {
          socket.end();
          resolve(replies);
        } else socket.write(`${next}\r\n`);
      }
    });
  });
}
