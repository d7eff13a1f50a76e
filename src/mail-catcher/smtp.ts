import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Inbox } from './inbox.ts';
import { parseMessage, type Envelope } from './parse.ts';

/** RFC 1870 SIZE, advertised in EHLO; a longer DATA is answered `552 5.3.4` and not stored. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface RunningSmtpServer {
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

function envelopeOf(session: SMTPServerSession): Envelope {
  const { mailFrom, rcptTo } = session.envelope;
  return { mailFrom: mailFrom ? mailFrom.address : null, rcptTo: rcptTo.map((recipient) => recipient.address) };
}

/**
 * Reads DATA into memory up to the size limit. Past it the rest is still read (the client
 * is mid-transfer and must get its reply after the final dot) but not kept, so an
 * oversized message costs at most the limit in memory.
 */
function readMessage(stream: SMTPServerDataStream): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => resolve(stream.sizeExceeded ? undefined : Buffer.concat(chunks)));
  });
}

/**
 * Plain SMTP on 127.0.0.1 (never another interface): no STARTTLS, AUTH optional and any
 * credentials accepted, so an app configured for a real relay with a user and password can
 * point here unchanged. Every accepted message is parsed and added to `inbox`.
 */
export async function startSmtpServer(inbox: Inbox, port: number): Promise<RunningSmtpServer> {
  const server = new SMTPServer({
    banner: 'Langgan mail catcher (development only; nothing is delivered)',
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    // Without TLS, smtp-server refuses AUTH unless told that cleartext credentials are fine (loopback only).
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    hideENHANCEDSTATUSCODES: false,
    closeTimeout: 1000,
    onData(stream, session, callback) {
      readMessage(stream)
        .then(async (raw) => {
          // rejectOversized answers 552 whatever we report; the error makes the intent explicit.
          if (!raw) return callback(smtpError(552, 'Message exceeds fixed maximum message size'));
          const stored = await parseMessage(raw, envelopeOf(session), new Date());
          inbox.add(stored);
          callback(null, `Ok: caught as ${stored.message.id}`);
        })
        .catch(() => callback(smtpError(451, 'The mail catcher could not read this message')));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors on single connections (a client hanging up mid-DATA) must not crash the process.
  server.on('error', () => {});
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
