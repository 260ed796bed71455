@fault-injection @epic:k3s-cluster-growth @story:1.2 @owner:cluster-operators
Feature: When Proxmox VE misbehaves, the operator is told why and nothing is left behind

  Each scenario runs the whole story on a fresh embedded lab with one fault switched on (lab/fault-switches.ts,
  named by its @fault: tag), and checks the message the operator reads, the evidence in the report, and that the
  run removed everything it created. Transient faults are waited out and the worker is still added.

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

  @fault:vmid-taken
  Scenario: Another operator takes the VMID between the preflight and the create
    When the operator adds the worker
    Then adding the worker fails with a ProxmoxFailure saying:
      """
      CT 102 already exists on node 'pve'
      pick a free one
      """
    And nothing the run created is left behind

  @fault:storage-missing
  Scenario: The storage named in the specification does not exist
    When the operator adds the worker
    Then adding the worker fails with a ConfigurationError saying:
      """
      nothing was created
      storage "local-lvm": does not exist on node pve
      """
    And nothing the run created is left behind

  @fault:template-missing
  Scenario: The template was never downloaded
    When the operator adds the worker
    Then adding the worker fails with a ConfigurationError saying:
      """
      template "local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst": is not on storage "local"
      pveam update && pveam download local ubuntu-22.04-standard_22.04-1_amd64.tar.zst
      """
    And nothing the run created is left behind

  @fault:create-task-error
  Scenario: The create task ends in TASK ERROR
    When the operator adds the worker
    Then adding the worker fails with a ProxmoxFailure saying:
      """
      Volume group "pve" has insufficient free space
      """
    And the report carries "TASK ERROR: unable to create CT 102"
    And nothing the run created is left behind

  @fault:start-task-warnings
  Scenario: The start task ends with WARNINGS, which is a success
    When the operator adds the worker
    Then the worker is added despite the fault
    And the report carries "start succeeded with 1 warning(s)"

  @fault:lock-timeouts
  Scenario: The config lock is busy for a while
    When the operator adds the worker
    Then the worker is added despite the fault
    And the report carries "config lock is held by another operation"

  @fault:proxmox-api-down
  Scenario: The Proxmox API is down
    When the operator adds the worker
    Then adding the worker fails with a ConfigurationError saying:
      """
      PROXMOX_VE_ENDPOINT
      ECONNREFUSED
      systemctl status pveproxy
      """

  @fault:proxmox-api-slow
  Scenario: The Proxmox API answers slower than the operator allows
    Given the suite waits at most 1s for "proxmox-request"
    When the operator adds the worker
    Then adding the worker fails with a ConfigurationError saying:
      """
      did not answer GET /api2/json/nodes within 1s
      SUITE_TIMEOUTS=proxmox-request=
      """

  @fault:proxmox-tls-changed
  Scenario: The API presents another certificate than the pinned one (man in the middle)
    When the operator adds the worker
    Then adding the worker fails with a ConfigurationError saying:
      """
      PROXMOX_VE_TLS_FINGERPRINT
      not the pinned
      refusing to connect
      """
