@fault-injection @epic:k3s-cluster-growth @story:1.2 @owner:cluster-operators
Feature: When the k3s agent cannot join, the operator is told why

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

  @fault:token-other-cluster
  Scenario: The node token was copied from another cluster
    When the operator adds the worker
    Then adding the worker fails with a ConfigurationError saying:
      """
      K3S_TOKEN: was issued by another cluster
      token CA hash does not match the Cluster CA certificate hash
      /var/lib/rancher/k3s/server/node-token
      """
    And nothing the run created is left behind

  @fault:token-wrong-password
  Scenario: The node token's password is wrong, and the server says so before anything is created
    When the operator adds the worker
    Then adding the worker fails with a ConfigurationError saying:
      """
      K3S_TOKEN: was rejected by the server at
      401 not authorized (GET /v1-k3s/readyz, as an agent authenticates)
      /var/lib/rancher/k3s/server/node-token
      """
    And nothing the run created is left behind

  @fault:stale-node-password
  Scenario: An earlier node of the same name left its node-password secret
    When the operator adds the worker
    Then adding the worker fails with a ConfigurationError saying:
      """
      hostname "k3s-worker-01": has a node-password secret kube-system/k3s-worker-01.node-password.k3s
      Node password rejected
      kubectl -n kube-system delete secret k3s-worker-01.node-password.k3s
      """
    And nothing the run created is left behind

  @fault:duplicate-hostname
  Scenario: Another machine is already a node under the worker's hostname
    When the operator adds the worker
    Then adding the worker fails with a ConfigurationError saying:
      """
      hostname "k3s-worker-01": is already the name of node k3s-worker-01 at 192.168.2.99
      pick another hostname
      """
    And nothing the run created is left behind

  @fault:control-plane-unreachable
  Scenario: The worker cannot reach the control plane
    When the operator adds the worker
    Then adding the worker fails with a JoinFailure saying:
      """
      cannot reach the control plane at 192.168.2.20:6443
      Check the worker's gateway
      """
    And nothing the run created is left behind

  @fault:node-never-ready
  Scenario: The node registers but never turns Ready
    Given the suite waits at most 3s for "node-ready"
    When the operator adds the worker
    Then adding the worker fails with a DeadlineExceededError saying:
      """
      node k3s-worker-01 Ready not reached after 3s
      KubeletNotReady: container runtime network not ready
      cni plugin not initialized
      """
    And nothing the run created is left behind

  @fault:node-goes-unknown
  Scenario: The node turns Ready, then its kubelet stops posting status
    Given the suite waits at most 8s for "pod"
    When the operator adds the worker
    Then adding the worker fails with a DeadlineExceededError saying:
      """
      Kubelet stopped posting node status.
      """
    And nothing the run created is left behind
    And the worker that had joined stays for the operator to inspect
