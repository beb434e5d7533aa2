// Fails loudly if any library under test tries to open a connection: the evaluation benchmark must measure
// local evaluation only, and an SDK that quietly polls or posts metrics would both skew timings and hide a
// wrong configuration. Installed before any SDK is imported.
import net from 'node:net';

const attempts = [];

/** Patches socket connects and fetch so that every outbound attempt is recorded and refused. */
export function installNetworkGuard() {
  const refuse = (what) => {
    attempts.push(what);
    throw new Error(`network access attempted during the benchmark: ${what}`);
  };
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const target = typeof args[0] === 'object' ? JSON.stringify(args[0]) : String(args[0]);
    refuse(`socket connect ${target}`);
  };
  globalThis.fetch = async (input) => refuse(`fetch ${String(input)}`);
}

/** The outbound attempts seen so far (each was refused). */
export function networkAttempts() {
  return [...attempts];
}
