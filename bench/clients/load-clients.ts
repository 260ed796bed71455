// Loads what the suite's code loads from its dependencies, and nothing of the suite itself.
import '@kubernetes/client-node';
import 'ssh2';
import 'proxmox-api';
import 'undici';
import 'chai';
