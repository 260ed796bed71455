import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CleanupLedger, findLeftovers, newLedgerRun, recordSwept } from '../../src/cleanup/cleanup-ledger';

const container = { kind: 'container' as const, vmid: 102, hostname: 'k3s-worker-01' };
const node = { kind: 'node' as const, name: 'k3s-worker-01', ip: '192.168.2.21' };
const pod = { kind: 'pod' as const, namespace: 'default', name: 'acceptance-nginx-abc123' };

function ledgerIn(dir: string, runId = 'abc123', target = 'https://pve:8006/pve https://192.168.2.20:6443'): CleanupLedger {
  return new CleanupLedger(dir, newLedgerRun(runId, target));
}

describe('the cleanup ledger', () => {
  it('writes an intent to disk before anything exists, with the run header first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const ledger = ledgerIn(dir);
    ledger.intend(container);
    const [header, record] = readFileSync(ledger.file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(header.runId, 'abc123');
    assert.equal(header.pid, process.pid);
    assert.deepEqual({ event: record.event, resource: record.resource }, { event: 'intent', resource: container });
  });

  it('keeps a resource open until it is removed or kept, in creation order', () => {
    const ledger = ledgerIn(mkdtempSync(join(tmpdir(), 'ledger-')));
    ledger.intend(container);
    ledger.intend(node);
    ledger.intend(pod);
    ledger.intend(pod);
    ledger.removed(pod);
    ledger.kept(node);
    assert.deepEqual(ledger.open(), [container]);
  });

  it('deletes its file when nothing is open, and keeps it when something is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const clean = ledgerIn(dir, 'clean1');
    clean.intend(pod);
    clean.removed(pod);
    clean.finish();
    assert.equal(existsSync(clean.file), false);
    const debris = ledgerIn(dir, 'debris');
    debris.intend(container);
    debris.finish();
    assert.equal(existsSync(debris.file), true);
  });

  it('hands a crashed run\'s open resources to a later run on the same target only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const crashed = ledgerIn(dir, 'crash1');
    crashed.intend(container);
    crashed.intend(pod);
    crashed.removed(pod);
    ledgerIn(dir, 'other1', 'https://elsewhere:8006/pve https://10.0.0.1:6443').intend(container);
    const dead = () => false;
    const leftovers = findLeftovers(dir, crashed.run.target, dead);
    assert.deepEqual(leftovers.map((leftover) => [leftover.run.runId, leftover.open]), [['crash1', [container]]]);
  });

  it('never hands over the ledger of a run that is still going (a parallel worker)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const running = ledgerIn(dir, 'live01');
    running.intend(container);
    assert.deepEqual(findLeftovers(dir, running.run.target), [], 'this very process is alive');
  });

  it('ignores a line torn by a crash mid-write, and records what a sweep removed in the crashed run\'s file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    const crashed = ledgerIn(dir, 'torn01');
    crashed.intend(container);
    appendFileSync(crashed.file, '{"at":"2026-11-25T10:00:00Z","event":"int');
    const [leftover] = findLeftovers(dir, crashed.run.target, () => false);
    assert.deepEqual(leftover.open, [container]);
    appendFileSync(leftover.file, '\n');
    recordSwept(leftover, container);
    assert.deepEqual(findLeftovers(dir, crashed.run.target, () => false)[0].open, []);
  });
});
