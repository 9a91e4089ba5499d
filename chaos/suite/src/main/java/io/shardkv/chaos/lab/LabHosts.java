package io.shardkv.chaos.lab;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.control.LocalCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's files: its key pair (root login on every host), each host's directory with its sshd
 * config, host key and fake-clock file, and the host lists it hands out (nodes file, Ansible
 * inventory, known_hosts with every host's real key).
 */
final class LabHosts {
  private final Path dir;

  LabHosts(Path dir) {
    this.dir = dir;
  }

  Path keyFile() {
    return dir.resolve("id_ed25519");
  }

  Path hostDir(int k) {
    return dir.resolve("n" + k);
  }

  Path sshdConfig(int k) {
    return hostDir(k).resolve("sshd_config");
  }

  private Path hostKey(int k) {
    return hostDir(k).resolve("ssh_host_ed25519_key");
  }

  /** The lab key pair and the authorized_keys every host's sshd reads. */
  void ensureLabKey() throws IOException {
    if (!Files.exists(keyFile())) {
      Files.deleteIfExists(dir.resolve("id_ed25519.pub"));
      LocalCommand.ok("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "shardkv-lab", "-f", keyFile().toString());
    }
    Files.setPosixFilePermissions(keyFile(), PosixFilePermissions.fromString("rw-------"));
    writeIfChanged(dir.resolve("authorized_keys"), Files.readString(dir.resolve("id_ed25519.pub")));
  }

  /**
   * Host k's directory, host key, sshd config and fake-clock file. A new host ({@code fresh}: its
   * namespace did not exist) starts without clock offset; an existing one keeps its offset.
   */
  void ensureHostFiles(int k, boolean fresh) throws IOException {
    Path h = hostDir(k);
    Files.createDirectories(h);
    if (!Files.exists(hostKey(k))) {
      Files.deleteIfExists(h.resolve("ssh_host_ed25519_key.pub"));
      LocalCommand.ok("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "shardkv-lab-n" + k, "-f", hostKey(k).toString());
    }
    writeIfChanged(sshdConfig(k), sshdConfigText(k));
    Path clock = h.resolve("faketime");
    if (fresh || !Files.exists(clock)) Files.writeString(clock, "+0.000\n");
  }

  private String sshdConfigText(int k) {
    Path h = hostDir(k);
    return String.join("\n",
        "# sshd of ShardKV lab host n" + k + " (bin/shardkv lab up): runs inside network namespace " + Lab.netns(k),
        "# and listens only on the host's own address.",
        "ListenAddress " + Lab.address(k) + ":22",
        "HostKey " + hostKey(k),
        "PidFile " + h.resolve("sshd.pid"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        // The key files live in the lab directory, which only root writes; the checks of the user's
        // home that StrictModes does do not apply to them.
        "StrictModes no",
        "UseDNS no",
        "PrintMotd no",
        "MaxSessions 64",
        "MaxStartups 64:30:128",
        // Commands run as `bash -c CMD`, and bash reads ~/.bashrc when started by sshd unless SHLVL
        // says it is nested. Lab hosts share this machine's /root: its .bashrc (here: pyenv init,
        // whose rehash takes a global lock file) would run for every command, ~2 s each, and a lab
        // `down` that kills a session in mid-rehash leaves the lock behind, after which every SSH
        // command waits out pyenv's 60 s lock timeout. SHLVL=1 skips ~/.bashrc for lab commands.
        "SetEnv SHLVL=1",
        "Subsystem sftp internal-sftp",
        "") ;
  }

  /** The hosts as the rest of the suite reaches them. */
  List<Host> hosts(int n) {
    List<Host> l = new ArrayList<>();
    for (int k = 1; k <= n; k++) l.add(new Host("n" + k, Lab.address(k), 22, "root", keyFile()));
    return l;
  }

  Lab.Info info(int n) {
    return new Lab.Info(dir, hosts(n), keyFile(), dir.resolve("known_hosts"), dir.resolve("nodes"), dir.resolve("inventory.ini"));
  }

  /** known_hosts (each host's real key), the nodes file and the Ansible inventory. */
  Lab.Info writeHostLists(int n) throws IOException {
    Lab.Info info = info(n);
    StringBuilder known = new StringBuilder();
    for (int k = 1; k <= n; k++) {
      String[] pub = Files.readString(hostDir(k).resolve("ssh_host_ed25519_key.pub")).strip().split("\\s+");
      known.append(Lab.address(k)).append(' ').append(pub[0]).append(' ').append(pub[1]).append('\n');
    }
    writeIfChanged(info.knownHosts(), known.toString());
    writeIfChanged(info.nodesFile(), Lab.render(info.hosts(), dir));
    StringBuilder inv = new StringBuilder();
    inv.append("# Ansible inventory of the ShardKV lab (bin/shardkv lab up --dir ").append(dir).append(").\n")
        .append("# Lab hosts share this machine's file system: lab_root is each host's own directory.\n")
        .append("[shardkv]\n");
    for (Host h : info.hosts()) {
      inv.append(h.name()).append(" ansible_host=").append(h.address()).append(" ansible_port=").append(h.sshPort())
          .append(" ansible_user=").append(h.user()).append(" ansible_ssh_private_key_file=").append(h.keyFile())
          .append(" lab_root=").append(info.hostDir(h.name())).append('\n');
    }
    inv.append("\n[shardkv:vars]\n")
        .append("ansible_ssh_common_args='-o UserKnownHostsFile=").append(info.knownHosts())
        .append(" -o StrictHostKeyChecking=yes'\n");
    writeIfChanged(info.inventory(), inv.toString());
    return info;
  }

  private static void writeIfChanged(Path f, String text) throws IOException {
    if (Files.exists(f) && Files.readString(f, StandardCharsets.UTF_8).equals(text)) return;
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ChaosException("cannot write " + f + ": " + e.getMessage(), e);
    }
  }
}
