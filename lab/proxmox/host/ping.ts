import { defineCommand, type Command } from 'just-bash';
import type { NodeContext } from '../node-context';
import type { Neighbours } from '../node/neighbours';

/** iputils' usage(), its first lines (the lab leaves out the option list). */
const USAGE = '\nUsage\n  ping [options] <destination>\n\nOptions:\n  <destination>      dns name or ip address\n  -c <count>         stop after <count> replies\n  -w <deadline>      reply wait <deadline> in seconds\n  -W <timeout>       time to wait for response\n';

/** The kernel gives up ARP for a neighbour after 3 probes a second apart (mcast_solicit 3, retrans_time 1 s). */
const ARP_GIVES_UP_S = 3;

interface PingOptions {
  count?: number;
  deadline?: number;
  lingerS: number;
  quiet: boolean;
  target?: string;
}

type Parsed = PingOptions | { error: string; exitCode: number };

/**
 * `ping` (iputils 20221126, Debian 12) on the node: ICMP echo to the lab's LAN. Something answers when the virtual
 * network has a host or device there (the node itself, guests, the k3s server, other LAN devices); nothing does
 * elsewhere. Output, statistics (ping_common.c finish) and exit codes (0 with a reply, 1 without, 2 on bad use)
 * are iputils'; round trips are made up, waits follow the lab's timing.
 */
export function pingCommand(ctx: NodeContext, neighbours: Neighbours): Command {
  return defineCommand('ping', async (args, shell) => {
    const parsed = parse(args);
    if ('error' in parsed) return { stdout: '', stderr: parsed.error, exitCode: parsed.exitCode };
    const name = parsed.target!;
    const target = name === ctx.nodeName ? ctx.hostIp : name;
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(target)) return { stdout: '', stderr: `ping: ${name}: Name or service not known\n`, exitCode: 2 };
    // One packet a second; with only -w, as many as fit before the deadline.
    const count = parsed.count ?? Math.max(1, parsed.deadline!);
    const lastSendS = count - 1;
    const endS = parsed.deadline ?? lastSendS + parsed.lingerS;
    const path = reach(ctx, neighbours, target);
    let out = `PING ${name} (${target}) 56(84) bytes of data.\n`;
    const rtts: number[] = [];
    for (let seq = 1; seq <= count; seq += 1) {
      if (seq > 1) await ctx.timing.wait(1000, shell.signal);
      if (path !== 'reply') continue;
      const rtt = 250 + Math.floor(Math.random() * 300);
      rtts.push(rtt);
      if (!parsed.quiet) out += `64 bytes from ${target}: icmp_seq=${seq} ttl=64 time=${micro(rtt)} ms\n`;
    }
    const failures = path === 'unreachable' ? arpFailures(count, endS) : [];
    for (const { seq } of failures) if (!parsed.quiet) out += `From ${ctx.hostIp} icmp_seq=${seq} Destination Host Unreachable\n`;
    if (path !== 'reply') {
      // Waits for answers until the end, or until every packet has its error.
      const finishS = failures.length === count ? Math.max(lastSendS, failures.at(-1)!.atS) : endS;
      await ctx.timing.wait((finishS - lastSendS) * 1000, shell.signal);
    }
    const pipe = Math.max(1, ...failures.map(({ seq, atS }) => Math.min(count, atS) - seq + 1));
    out += statistics(name, count, rtts, failures.length, pipe);
    const failed = rtts.length === 0 || (parsed.deadline !== undefined && parsed.count !== undefined && rtts.length < parsed.count);
    return { stdout: out, stderr: '', exitCode: failed ? 1 : 0 };
  });
}

/**
 * What becomes of the echo requests: the node itself and whatever answers ARP on the LAN reply; beyond the LAN
 * they go to the gateway and nothing comes back (the lab's LAN has no way out); an address nobody answers ARP for
 * (or, off the LAN, a gateway that does not) gets Destination Host Unreachable.
 */
function reach(ctx: NodeContext, neighbours: Neighbours, ip: string): 'reply' | 'silent' | 'unreachable' {
  if (neighbours.isOwn(ip)) return 'reply';
  if (ip.startsWith('192.168.2.')) return neighbours.resolve(ip) ? 'reply' : 'unreachable';
  return neighbours.resolve(ctx.interfaces.gateway) ? 'silent' : 'unreachable';
}

/** Packets queued while ARP runs all fail when it gives up (every 3 s); those failing after ping has ended are not seen. */
function arpFailures(count: number, endS: number): Array<{ seq: number; atS: number }> {
  const failures: Array<{ seq: number; atS: number }> = [];
  for (let seq = 1; seq <= count; seq += 1) {
    const atS = ARP_GIVES_UP_S * Math.ceil(seq / ARP_GIVES_UP_S);
    if (atS >= endS) break;
    failures.push({ seq, atS });
  }
  return failures;
}

/** ping_common.c finish. */
function statistics(target: string, transmitted: number, rtts: number[], errors: number, pipe: number): string {
  const loss = ((transmitted - rtts.length) * 100) / transmitted;
  const timeMs = transmitted > 1 ? (transmitted - 1) * 1000 + transmitted - 1 : 0;
  let text = `\n--- ${target} ping statistics ---\n${transmitted} packets transmitted, ${rtts.length} received`;
  if (errors) text += `, +${errors} errors`;
  text += `, ${Number(loss.toPrecision(6))}% packet loss, time ${timeMs}ms\n`;
  const tail: string[] = [];
  if (rtts.length) {
    const total = rtts.length;
    const sum = rtts.reduce((a, b) => a + b, 0);
    const sum2 = rtts.reduce((a, b) => a + b * b, 0);
    const avg = Math.floor(sum / total);
    const mdev = Math.floor(Math.sqrt(Math.floor((sum2 - (sum * sum) / total) / total)));
    tail.push(`rtt min/avg/max/mdev = ${micro(Math.min(...rtts))}/${micro(avg)}/${micro(Math.max(...rtts))}/${micro(mdev)} ms`);
  }
  if (pipe > 1) tail.push(`pipe ${pipe}`);
  return `${text}${tail.join(', ')}\n`;
}

/** `0.412` from 412 µs: time=%ld.%03ld for round trips under 1 ms. */
function micro(us: number): string {
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, '0')}`;
}

function parse(args: string[]): Parsed {
  const options: PingOptions = { lingerS: 10, quiet: false };
  const operands: string[] = [];
  const withValue = new Set(['c', 'W', 'w', 'i', 's', 't', 'I']);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j += 1) {
      const flag = arg[j];
      if (withValue.has(flag)) {
        const value = arg.slice(j + 1) || args[++i];
        if (value === undefined) return { error: `ping: option requires an argument -- '${flag}'\n${USAGE}`, exitCode: 2 };
        const problem = applyValue(options, flag, value);
        if (problem) return problem;
        break;
      }
      if (flag === 'q') options.quiet = true;
      else if (!['n', '4', 'D', 'O'].includes(flag)) return { error: `ping: invalid option -- '${flag}'\n${USAGE}`, exitCode: 2 };
    }
  }
  if (operands.length === 0) return { error: USAGE, exitCode: 2 };
  if (options.count === undefined && options.deadline === undefined) {
    return { error: 'ping: lab: give -c COUNT or -w DEADLINE (a ping that runs until interrupted is not emulated)\n', exitCode: 2 };
  }
  return { ...options, target: operands.at(-1) };
}

/** strtol_or_err / ping_strtod as iputils checks -c, -w, -W. */
function applyValue(options: PingOptions, flag: string, value: string): Parsed | undefined {
  const integer = (min: number) => {
    if (!/^-?\d+$/.test(value)) return { error: `ping: invalid argument: '${value}'\n`, exitCode: 1 };
    if (Number(value) < min) return { error: `ping: invalid argument: '${value}': out of range: ${min} <= value <= ${flag === 'c' ? '9223372036854775807' : '2147483647'}\n`, exitCode: 1 };
    return undefined;
  };
  if (flag === 'c') return integer(1) ?? void (options.count = Number(value));
  if (flag === 'w') return integer(0) ?? void (options.deadline = Number(value));
  if (flag === 'W') {
    const seconds = Number(value);
    if (!(value.trim() !== '' && seconds >= 0)) return { error: `ping: bad linger time: ${value}\n`, exitCode: 2 };
    options.lingerS = seconds;
  }
  return undefined;
}
