import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretRegistry } from '../../src/secrets/secret-registry';

describe('secret masking', () => {
  it('masks the longest secret first so a token containing a password is masked whole', () => {
    const registry = new SecretRegistry();
    registry.register('password123');
    registry.register('K10abc::server:password123');
    assert.equal(registry.mask('K3S_TOKEN=K10abc::server:password123'), 'K3S_TOKEN=***');
  });

  it('masks each line of a private key printed line by line', () => {
    const registry = new SecretRegistry();
    registry.register('-----BEGIN KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n-----END KEY-----');
    assert.equal(registry.mask('line: QUJDREVGR0hJSktMTU5PUFFSU1RVVldY'), 'line: ***');
  });

  it('ignores fragments too short to be secrets', () => {
    const registry = new SecretRegistry();
    registry.register('abc');
    assert.equal(registry.mask('abc abc'), 'abc abc');
  });
});
