@fault-injection @epic:k3s-cluster-growth @story:1.2 @owner:cluster-operators
Feature: When the Kubernetes API is busy for a while, the suite waits it out

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

  @fault:kube-api-throttled
  Scenario: The API answers 429 Too Many Requests for a while
    When the operator adds the worker
    Then the worker is added despite the fault
    And the report carries "Kubernetes API answered 429"

  @fault:kube-api-unavailable
  Scenario: The API answers 503 for a while
    When the operator adds the worker
    Then the worker is added despite the fault
    And the report carries "Kubernetes API answered 503"
