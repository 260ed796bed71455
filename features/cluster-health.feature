@nightly @epic:k3s-cluster-growth @story:1.3 @severity:critical @owner:cluster-operators
Feature: Nightly cluster health
  As a cluster operator
  I want the cluster the story grew checked every night
  So that a node or workload that has drifted is caught before the next worker is added

  The checks only read the cluster (four requests, whatever its size), except the probe and test pods, which are removed
  again. Run them with `npx cucumber-js --profile nightly` (on the embedded lab), or add `--profile real` for a real
  cluster. A stopped or NotReady worker is a finding that names it, never something the nightly repairs.

  Background: The worker as the story's technical specification describes it
    Given the worker specification:
      | vmid          | 102                                                      |
      | hostname      | k3s-worker-01                                            |
      | cores         | 4                                                        |
      | memory        | 8GB                                                      |
      | disk          | 50GB                                                     |
      | address       | 192.168.2.21/24                                          |
      | gateway       | 192.168.2.1                                              |
      | bridge        | vmbr0                                                    |
      | storage       | local-lvm                                                |
      | template      | local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst |
      | features      | nesting=1,keyctl=1,fuse=1                                |
      | ssh           | key                                                      |
      | control plane | 192.168.2.20:6443                                        |
    And its raw LXC configuration:
      """
      lxc.apparmor.profile: unconfined
      lxc.cgroup2.devices.allow: a
      lxc.cap.drop:
      lxc.mount.entry: /dev/kmsg dev/kmsg none bind,rw,optional,create=file
      lxc.mount.auto: proc:rw sys:rw
      """
    And on the embedded lab, the story has added its worker
    And a snapshot of the cluster's nodes and kube-system pods

  @read-only
  Rule: The nightly only reads: it creates, starts, stops, configures and installs nothing but its own pods
    On a real cluster each of these scenarios may create and delete its own probe and test pods and nothing else; any
    other change is refused before it is sent (src/changes/change-record.ts) and the run fails. On the embedded lab
    the Background first adds the story's worker, since the lab starts with the server only.

    Scenario: Every node is Ready and its kubelet alive
      Then every node is Ready and its kubelet renewed its Lease within 50s

    Scenario: No node is under pressure
      Then no node reports memory, disk or PID pressure

    Scenario: Every kubelet's version is one the API server supports
      Then every kubelet is within the version-skew policy of the API server

    Scenario: kube-system workloads are healthy
      Then every kube-system pod is Running and ready, or has completed

    Scenario: Every schedulable worker can actually run a pod
      When a probe pod runs on every schedulable worker
      Then nothing the run created is left behind

    Scenario: The story's scheduling criterion still holds
      Given both master and worker nodes are Ready
      When I deploy a test pod without node selector
      Then the pod schedules to the worker node (not master)
      And the pod reaches Running state

  Rule: The rehearsal builds a worker of its own and removes it again

    @ephemeral
    Scenario: Rehearse growing the cluster by one worker, then remove it the k3s way
      When the operator adds a rehearsal worker named k3s-rehearsal at a free VMID and address
      And the rehearsal worker is removed the k3s way
      Then neither its node, its node-password secret nor its container remain
      And nothing the run created is left behind
