import { spawn } from 'node:child_process';

/** `npm start` is `tsx src/main.ts`: run exactly that as a child process, so a crash is a dead process. */
export function startServiceProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    // The mail catcher a development start opens takes free ports, so services started side by side never collide.
    env: { PATH: process.env.PATH, MAIL_CATCHER_PORT: '0', MAIL_CATCHER_HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = async (pattern: RegExp, timeoutMs = 60_000) => {
    const until = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`did not see ${pattern}:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return { child, exited, ready, stop, output: () => output };
}

export type ServiceProcess = ReturnType<typeof startServiceProcess>;
