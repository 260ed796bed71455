@parallel-growth @epic:k3s-cluster-growth @story:1.2 @owner:cluster-operators
Feature: Grow the cluster by several workers at once
  Parallel runs (`npx cucumber-js --profile real --parallel 4 features/parallel/`) add one worker per example against
  the same Proxmox node and cluster, each at its own VMID and address, prove it with a pod pinned to it (a free pod
  may rightly land on any of the new workers), and remove it again the k3s way.

  Scenario Outline: Add <hostname> alongside the others, prove it, and remove it
    Given the worker specification:
      | vmid          | <vmid>                                                   |
      | hostname      | <hostname>                                               |
      | cores         | 4                                                        |
      | memory        | 8GB                                                      |
      | disk          | 50GB                                                     |
      | address       | <address>/24                                             |
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
    When the operator adds the worker alongside the others
    Then the worker is added
    When the worker is removed the k3s way
    Then nothing the run created is left behind

    Examples:
      | vmid | hostname        | address      |
      | 111  | k3s-parallel-01 | 192.168.2.51 |
      | 112  | k3s-parallel-02 | 192.168.2.52 |
      | 113  | k3s-parallel-03 | 192.168.2.53 |
      | 114  | k3s-parallel-04 | 192.168.2.54 |
      | 115  | k3s-parallel-05 | 192.168.2.55 |
      | 116  | k3s-parallel-06 | 192.168.2.56 |
      | 117  | k3s-parallel-07 | 192.168.2.57 |
      | 118  | k3s-parallel-08 | 192.168.2.58 |
