@fault-injection @epic:k3s-cluster-growth @story:1.2 @owner:cluster-operators
Feature: When the test pod cannot be placed or started, the operator reads the scheduler's and the kubelet's reasons

  Each scenario runs the whole story on a fresh embedded lab with one fault switched on (lab/fault-switches.ts,
  named by its @fault: tag), and checks the message the operator reads, the evidence in the report, and that the
  run removed everything it created.

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

  @fault:pods-too-many
  Scenario: Every node is full
    When the operator adds the worker
    Then adding the worker fails with a SchedulingFailure saying:
      """
      0/2 nodes are available: 2 Too many pods.
      """
    And the report carries "Too many pods"
    And nothing the run created is left behind

  @fault:nodes-tainted
  Scenario: Every node has a taint the test pod does not tolerate
    When the operator adds the worker
    Then adding the worker fails with a SchedulingFailure saying:
      """
      0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: infra}.
      """
    And nothing the run created is left behind

  @fault:worker-tainted
  Scenario: The pod lands on the master because the worker is tainted
    When the operator adds the worker
    Then adding the worker fails with a SchedulingFailure saying:
      """
      k3s-master
      """
    And nothing the run created is left behind

  @fault:registry-unreachable
  Scenario: No node can pull the nginx image
    When the operator adds the worker
    Then adding the worker fails with a KubernetesFailure saying:
      """
      cannot start: ErrImagePull
      dial tcp: lookup registry-1.docker.io
      """
    And the report carries "events of pod"
    And nothing the run created is left behind
