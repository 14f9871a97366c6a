/**
 * moto's AWS emulator (`python3 -m moto.server`, moto 5) on a free loopback port, for the tests of our
 * Secrets Manager (and EventBridge, SQS) calls against a real HTTP API. A test file starts its own and
 * stops it; clients reach it through AWS_ENDPOINT_URL_<SERVICE> (motoEnvironment) or `endpoint`.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';

import { freePort } from '../../lambdas/store/dynamodb-local';

export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** moto accepts any credentials; these never leave the machine. */
export const MOTO_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
} as const;

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export async function startMotoServer(startTimeoutMs = 20_000): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // moto exits on SIGTERM only once its threads serving keep-alive connections end: SIGKILL after 1 s.
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 1_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + startTimeoutMs;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error('moto.server did not start (is moto 5 installed for python3?)');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}
