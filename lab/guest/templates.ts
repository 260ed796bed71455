import { HOST_KERNEL } from '../contracts/container-runtime';
/**
 * The Proxmox "standard" LXC templates the lab can lay down (pveam's system appliances). Each carries what the
 * suite can observe of the distribution: its /etc/os-release (verbatim from the release) and its tool versions
 * where their output differs between releases.
 */
export interface GuestTemplate {
  file: string;
  osRelease: string;
  /** curl before 8.x prints strerror() text ("Connection refused"); 8.x prints "Couldn't connect to server". */
  curlMajor: 7 | 8;
  /** Bytes the unpacked template occupies on the root filesystem (what `df` shows as used after create). */
  usedBytes: number;
}

const ubuntu2204 = `PRETTY_NAME="Ubuntu 22.04.5 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.5 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
`;

const ubuntu2404 = `PRETTY_NAME="Ubuntu 24.04.2 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.2 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
`;

const debian12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

// Ubuntu 22.04 ships curl 7.81.0, Ubuntu 24.04 curl 8.5.0, Debian 12 curl 7.88.1.
export const GUEST_TEMPLATES: GuestTemplate[] = [
  { file: 'ubuntu-22.04-standard_22.04-1_amd64.tar.zst', osRelease: ubuntu2204, curlMajor: 7, usedBytes: 540 * 1024 ** 2 },
  { file: 'ubuntu-24.04-standard_24.04-2_amd64.tar.zst', osRelease: ubuntu2404, curlMajor: 8, usedBytes: 610 * 1024 ** 2 },
  { file: 'debian-12-standard_12.7-1_amd64.tar.zst', osRelease: debian12, curlMajor: 7, usedBytes: 480 * 1024 ** 2 },
];

/** Finds a template by volume id ('local:vztmpl/NAME') or bare file name. */
export function findTemplate(ostemplate: string): GuestTemplate | undefined {
  const file = ostemplate.replace(/^.*\//, '');
  return GUEST_TEMPLATES.find((template) => template.file === file);
}

/** A value of os-release, e.g. PRETTY_NAME, without its quotes. */
export function osReleaseValue(osRelease: string, key: string): string | undefined {
  const line = osRelease.split('\n').find((entry) => entry.startsWith(`${key}=`));
  return line?.slice(key.length + 1).replace(/^"(.*)"$/, '$1');
}

/** The Proxmox VE 8 host kernel every container shares. */
export const PVE_KERNEL = HOST_KERNEL;
