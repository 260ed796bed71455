// The network rule, enforced: under `npm test` every Node process (tests, cucumber runs, the standalone lab) loads
// this first, and any TCP connection to an address other than loopback fails at once instead of leaving the machine.
// Plain JavaScript so it loads before (and without) ts-node.
'use strict';
const net = require('node:net');

const original = net.Socket.prototype.connect;

function isLoopback(host) {
  if (host === undefined || host === 'localhost') return true;
  const bare = String(host).replace(/^\[|\]$/g, '');
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}

net.Socket.prototype.connect = function connect(...args) {
  // net.connect() passes its normalized [options, callback] array; direct calls pass (options | port[, host]).
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (!options.path && !isLoopback(options.host)) {
    const error = new Error(`network rule: tests connect only to loopback, refused ${options.host}:${options.port}`);
    error.code = 'ENETUNREACH';
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return original.apply(this, args);
};
