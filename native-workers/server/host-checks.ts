// Who browser mode listens to: the address it binds (a name is resolved, and every address must be loopback unless
// remote access was asked for) and the Host and Origin headers it accepts. A web page on another site can make a
// browser send requests to 127.0.0.1 by rebinding its own name there (DNS rebinding), but the requests then carry
// that name in Host and that site in Origin; checking both refuses them.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { bareAddress, isLoopbackAddress } from '../io/net-addresses.ts';

export type ResolveHost = (host: string) => Promise<string[]>;

const resolveWithDns: ResolveHost = async (host) => (await dnsLookup(host, { all: true })).map((a) => a.address);

export interface BindAddress {
  /** The address to bind: the one that was checked (a name is resolved once, here). */
  address: string;
  loopback: boolean;
}

/**
 * What `host` resolves to, and whether every address it resolves to is loopback. A non-loopback address without
 * allowRemote is refused with a message naming it; so is a name that does not resolve.
 */
export async function resolveBindAddress(
  host: string,
  allowRemote: boolean,
  resolveHost: ResolveHost = resolveWithDns,
): Promise<BindAddress> {
  const literal = bareAddress(host);
  let addresses: string[];
  if (isIP(literal)) addresses = [literal];
  else {
    try {
      addresses = await resolveHost(host);
    } catch (err) {
      throw new BindRefused(`cannot listen on ${host}: it does not resolve (${(err as Error).message})`);
    }
    if (!addresses.length) throw new BindRefused(`cannot listen on ${host}: it resolves to no address`);
  }
  const loopback = addresses.every(isLoopbackAddress);
  if (!loopback && !allowRemote) {
    const shown = isIP(literal) ? host : `${host} (${addresses.join(', ')})`;
    throw new BindRefused(
      `refusing to listen on ${shown}: not a loopback address; add --allow-remote to accept connections from other machines`,
    );
  }
  return { address: addresses[0], loopback };
}

/** A bind address refused or unusable: the CLI reports it as a usage error. */
export class BindRefused extends Error {
  override name = 'BindRefused';
}

/**
 * The Host header names a browser may use for this server. Loopback servers: localhost (and *.localhost) and loopback
 * literals. Remote servers: any IP literal, localhost, this machine's name and the names given. A page whose own
 * name was rebound to our address sends that name, which is on no list.
 */
export function hostAllowed(hostHeader: string | undefined, opts: { loopback: boolean; names: string[] }): boolean {
  if (!hostHeader) return false;
  let name: string;
  try {
    name = new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  const address = bareAddress(name);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(address)) return opts.loopback ? isLoopbackAddress(address) : true;
  return !opts.loopback && opts.names.includes(name);
}

/** A browser's Origin must be this very server (scheme http, the same host and port as the request's Host). */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin == null) return true; // not a browser (curl, the ws client): the token is what protects these
  try {
    const o = new URL(origin);
    return (
      (o.protocol === 'http:' || o.protocol === 'https:') &&
      !!hostHeader &&
      o.host === new URL(`http://${hostHeader}`).host
    );
  } catch {
    return false;
  }
}
