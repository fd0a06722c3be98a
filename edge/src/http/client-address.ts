/** The client's IP address: the peer the runtime reports, or the proxy's X-Forwarded-For when trusted. */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;

/** A canonical address, or undefined when `raw` is none: IPv4-mapped IPv6 (::ffff:1.2.3.4) becomes IPv4. */
export function normalizeAddress(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  let address = raw.trim();
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1] as string;
  if (IPV4.test(address)) return address;
  if (address.includes(':') && IPV6.test(address)) return address.toLowerCase();
  return undefined;
}

export function clientAddress(request: Request, peer: string | undefined, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    // The trusted proxy appends the peer it saw: the last entry. Earlier ones are whatever the client claimed.
    const forwarded = request.headers.get('x-forwarded-for')?.split(',').at(-1);
    const address = normalizeAddress(forwarded);
    if (address !== undefined) return address;
  }
  return normalizeAddress(peer);
}
