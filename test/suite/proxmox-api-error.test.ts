import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProxmoxApiError } from '../../src/proxmox/proxmox-api-error';

// Message shapes are those proxmox-api 1.1.1 (ProxmoxEngine.doRequest) builds from a response.
describe('Proxmox API errors read back from proxmox-api', () => {
  it('reads a PVE 8.3+ 500 with its message', () => {
    const error = ProxmoxApiError.from(new Error(`POST https://pve:8006/api2/json/nodes/pve/lxc return Error 500 CT 102 already exists on node 'pve': {"data":null,"message":"CT 102 already exists on node 'pve'\\n"}`));
    assert.equal(error?.status, 500);
    assert.equal(error?.detail, "CT 102 already exists on node 'pve'");
  });

  it('falls back to the reason phrase when an older PVE sends no message', () => {
    const error = ProxmoxApiError.from(new Error(`POST https://pve:8006/api2/json/nodes/pve/lxc return Error 500 CT 102 already exists on node 'pve': {"data":null}`));
    assert.equal(error?.detail, "CT 102 already exists on node 'pve'");
  });

  it('lists parameter errors of a 400', () => {
    const error = ProxmoxApiError.from(new Error(`POST https://pve/x return Error 400 Parameter verification failed.: {"data":null,"errors":{"vmid":"value must have a minimum value of 100"},"message":"Parameter verification failed.\\n"}`));
    assert.equal(error?.describe(), 'Parameter verification failed. (vmid: value must have a minimum value of 100)');
  });

  it('reads a 403 from the default branch', () => {
    const error = ProxmoxApiError.from(new Error(`POST https://pve/x connection failed with 403 Permission check failed (/vms/102, VM.Allocate) return: {"data":null}`));
    assert.equal(error?.status, 403);
    assert.equal(error?.detail, 'Permission check failed (/vms/102, VM.Allocate)');
  });
});
