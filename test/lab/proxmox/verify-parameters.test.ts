import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../lab/proxmox/api/envelope';
import { createParameters } from '../../../lab/proxmox/api/schema/lxc-options';
import { verifyParameters } from '../../../lab/proxmox/api/schema/verify-parameters';

const base = { node: 'pve', vmid: '102', ostemplate: 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst' };

function errorsOf(params: Record<string, string>): Record<string, string> {
  try {
    verifyParameters(params, createParameters);
  } catch (error) {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 400);
    assert.equal(error.message, 'Parameter verification failed.');
    return error.errors!;
  }
  return {};
}

describe('verify-parameters (PVE::JSONSchema::validate)', () => {
  it('accepts the story create call', () => {
    assert.deepEqual(errorsOf({ ...base, rootfs: 'local-lvm:50', net0: 'name=eth0,bridge=vmbr0,ip=192.168.2.21/24,gw=192.168.2.1', features: 'nesting=1' }), {});
  });

  it('reports missing required properties (check_prop: "property is missing and it is not optional")', () => {
    assert.deepEqual(errorsOf({ node: 'pve' }), {
      vmid: 'property is missing and it is not optional',
      ostemplate: 'property is missing and it is not optional',
    });
  });

  it('checks the pve-vmid format before the range, so 99 is "invalid format" (JSONSchema.pm check_prop order, pve_verify_vmid)', () => {
    assert.deepEqual(errorsOf({ ...base, vmid: '99' }), { vmid: 'invalid format - value does not look like a valid VM ID\n' });
    assert.deepEqual(errorsOf({ ...base, vmid: '1000000000' }), { vmid: 'invalid format - value does not look like a valid VM ID\n' });
    assert.deepEqual(errorsOf({ ...base, vmid: 'abc' }), { vmid: "type check ('integer') failed - got 'abc'" });
  });

  it('enforces memory >= 16 and cores <= 8192 (pve-container Config.pm confdesc)', () => {
    assert.deepEqual(errorsOf({ ...base, memory: '8', cores: '9000' }), {
      memory: 'value must have a minimum value of 16',
      cores: 'value must have a maximum value of 8192',
    });
  });

  it('refuses unknown properties (additionalProperties => 0)', () => {
    assert.deepEqual(errorsOf({ ...base, colour: 'blue' }), {
      colour: 'property is not defined in schema and the schema does not allow additional properties',
    });
  });

  it('checks property strings key by key (parse_property_string "format error")', () => {
    assert.deepEqual(errorsOf({ ...base, net0: 'bridge=vmbr0' }), {
      net0: 'invalid format - format error\nnet0.name: property is missing and it is not optional\n',
    });
    assert.deepEqual(errorsOf({ ...base, features: 'nesting=1,warp=1' }), {
      features: 'invalid format - invalid key in comma-separated list property: warp\n',
    });
    assert.deepEqual(errorsOf({ ...base, features: 'nesting=yes' }), {
      features: "invalid format - format error\nfeatures.nesting: type check ('boolean') failed - got 'yes'\n",
    });
  });
});
