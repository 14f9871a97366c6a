/**
 * What this machine's kernel says about listening TCP sockets (Linux /proc/net/tcp and tcp6), and a
 * connection attempt through this machine's own non-loopback addresses (the traffic never leaves it).
 */
import { readFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';

const LISTEN = '0A';

/** `0100007F` -> 127.0.0.1; a 32-hex-digit IPv6 address (four little-endian words) -> its groups. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)),
  );
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2)
    groups.push(((bytes[index] << 8) | bytes[index + 1]).toString(16));
  return groups.join(':');
}

/** The local addresses of every socket listening on `port`, e.g. `127.0.0.1`, `0:0:0:0:0:ffff:7f00:1`. */
export async function listeningAddresses(port: number): Promise<string[]> {
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8')).trim().split('\n').slice(1);
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, portHex] = (local ?? '').split(':');
      if (state === LISTEN && parseInt(portHex ?? '', 16) === port)
        addresses.push(decodeAddress(address ?? ''));
    }
  }
  return addresses;
}

/** 127.0.0.0/8, ::1, or an IPv4-mapped loopback address. */
export function isLoopback(address: string): boolean {
  if (isIPv4(address)) return address.startsWith('127.');
  if (address === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(address);
  return mapped !== null && parseInt(mapped[1] ?? '0', 16) >> 8 === 127;
}

/** This machine's own addresses other than loopback (as `os.networkInterfaces` lists them). */
export const ownNonLoopbackAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => !entry.internal && !entry.address.startsWith('fe80:'))
    .map((entry) => entry.address);

/** `connected`, or the error code of a connection to `address:port` (e.g. ECONNREFUSED). */
export const connectResult = (address: string, port: number): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
