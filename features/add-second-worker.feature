@epic:k3s-cluster-growth @story:1.3 @severity:normal @owner:cluster-operators
Feature: Add a second worker node
  As a cluster operator
  I want to add a worker node to the cluster
  So that workloads can be scheduled on dedicated compute resources

  Background: The worker as the story's technical specification describes it
    Given the worker specification:
      | vmid          | 103                                                      |
      | hostname      | k3s-worker-02                                            |
      | cores         | 2                                                        |
      | memory        | 4GB                                                      |
      | disk          | 30GB                                                     |
      | address       | 192.168.2.22/24                                          |
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
    And every input is checked before anything is created

  Scenario: AC1 Worker Container Creation
    Given Proxmox host is running with available resources
    When I create an LXC container with 2 vCPU, 4GB RAM, 30GB disk at 192.168.2.22
    Then the container boots successfully with Ubuntu 22.04
    And SSH access is available with key-based authentication

  Scenario: AC2 K3s Agent Installation
    Given the worker container is running and can reach the control plane (192.168.2.20:6443)
    When I run the K3s agent installation with the server URL and node token
    Then the agent joins the cluster successfully
    And `kubectl get nodes` shows k3s-worker-02 as Ready

  Scenario: AC3 Workload Scheduling
    Given both master and worker nodes are Ready
    When I deploy a test pod without node selector
    Then the pod schedules to the worker node (not master)
    And the pod reaches Running state
