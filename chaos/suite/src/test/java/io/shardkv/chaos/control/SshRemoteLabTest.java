package io.shardkv.chaos.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.lab.Lab;
import io.shardkv.chaos.lab.LabFixture;
import io.shardkv.chaos.lab.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSH to real sshd's (the lab's): commands, files, and a clear message for each way it can fail. */
class SshRemoteLabTest {
  static Lab.Info lab;
  static Host n1;
  static Host n2;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    lab = LabFixture.up(2);
    n1 = lab.hosts().get(0);
    n2 = lab.hosts().get(1);
  }

  @AfterAll
  static void cleanUp() {
    LabFixture.down();
  }

  private SshRemote.Settings settings() {
    return SshRemote.Settings.defaults(tmp.resolve("known_hosts")).withAttempts(2);
  }

  private static final Duration T = Duration.ofSeconds(30);

  @Test
  void exec_runsAsRoot_andReturnsStatusStdoutAndStderr() {
    try (SshRemote r = SshRemote.connect(n1, settings())) {
      Remote.Result res = r.exec("id -u; echo oops >&2; exit 3", T);
      assertEquals(new Remote.Result(3, "0\n", "oops\n"), res);
      assertEquals("it's 'quoted' \"$HOME\"\n", r.execOk("printf '%s\\n' " + Shell.quote("it's 'quoted' \"$HOME\""), T));
    }
  }

  @Test
  void execOk_onFailure_namesTheHostCommandStatusAndError() {
    try (SshRemote r = SshRemote.connect(n1, settings())) {
      ChaosException e = assertThrows(ChaosException.class, () -> r.execOk("ls /no/such/dir", T));
      assertTrue(e.getMessage().startsWith("on n1 (198.19.0.1): 'ls /no/such/dir' exited with status 2: ls: cannot access"),
          e.getMessage());
    }
  }

  @Test
  void exec_thatOutlivesItsTimeout_fails() {
    try (SshRemote r = SshRemote.connect(n1, settings())) {
      ChaosException e = assertThrows(ChaosException.class, () -> r.exec("sleep 5", Duration.ofMillis(300)));
      assertEquals("SSH to root@198.19.0.1:22 (n1): 'sleep 5' did not finish within 300 ms", e.getMessage());
      assertEquals("still usable\n", r.execOk("echo still usable", T));
    }
  }

  @Test
  void uploadAndDownload_copyBytesExactly() throws Exception {
    byte[] data = new byte[1 << 20];
    new Random(7).nextBytes(data);
    Path local = Files.write(tmp.resolve("blob"), data);
    String remote = lab.hostDir("n1").resolve("blob-" + System.nanoTime()).toString();
    try (SshRemote r = SshRemote.connect(n1, settings())) {
      r.upload(local, remote);
      String sum = r.execOk("sha256sum " + Shell.quote(remote), T).split("\\s+")[0];
      assertEquals(LocalCommand.ok("sha256sum", local.toString()).split("\\s+")[0], sum);
      r.download(remote, tmp.resolve("back/blob"));
      assertArrayEquals(data, Files.readAllBytes(tmp.resolve("back/blob")));
      r.execOk("rm -f " + Shell.quote(remote), T);
      ChaosException e = assertThrows(ChaosException.class, () -> r.download("/no/such/file", tmp.resolve("x")));
      assertTrue(e.getMessage().startsWith("on n1: download /no/such/file to "), e.getMessage());
    }
  }

  @Test
  void firstConnection_recordsTheHostKey_asAcceptNewDoes() throws Exception {
    try (SshRemote r = SshRemote.connect(n1, settings())) {
      r.execOk("true", T);
    }
    String pub = Files.readString(lab.hostDir("n1").resolve("ssh_host_ed25519_key.pub")).split("\\s+")[1];
    List<String> known = Files.readAllLines(tmp.resolve("known_hosts"));
    assertEquals(1, known.size(), known.toString());
    assertEquals("198.19.0.1 ssh-ed25519 " + pub, known.get(0).strip());
  }

  @Test
  void aChangedHostKey_isRefused_andNamesTheKnownHostsFile() throws Exception {
    // known_hosts says n1 has n2's key: someone in between, or a reinstalled host
    String n2Key = Files.readString(lab.hostDir("n2").resolve("ssh_host_ed25519_key.pub")).split("\\s+")[1];
    Files.writeString(tmp.resolve("known_hosts"), "198.19.0.1 ssh-ed25519 " + n2Key + "\n");
    ChaosException e = assertThrows(ChaosException.class, () -> SshRemote.connect(n1, settings()));
    assertEquals("SSH to root@198.19.0.1:22 (n1): the host key differs from the one recorded in " + tmp.resolve("known_hosts")
        + " (a reinstalled host, or someone in between). If the host was reinstalled, delete its line from that file and run"
        + " again.", e.getMessage());
    assertEquals(List.of("198.19.0.1 ssh-ed25519 " + n2Key), Files.readAllLines(tmp.resolve("known_hosts")));
  }

  @Test
  void aKeyTheHostDoesNotKnow_isRefused() {
    Path key = tmp.resolve("other_key");
    LocalCommand.ok("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
    Host h = new Host("n1", n1.address(), 22, "root", key);
    ChaosException e = assertThrows(ChaosException.class, () -> SshRemote.connect(h, settings()));
    assertTrue(e.getMessage().startsWith("SSH to root@198.19.0.1:22 (n1): the host refused the key " + key
        + " for user 'root'; add its public key to that user's authorized_keys on the host"), e.getMessage());
  }

  @Test
  void aMissingKeyFile_isNamed() {
    Host h = new Host("n1", n1.address(), 22, "root", tmp.resolve("nope"));
    ChaosException e = assertThrows(ChaosException.class, () -> SshRemote.connect(h, settings()));
    assertEquals("SSH to root@198.19.0.1:22 (n1): private key " + tmp.resolve("nope") + " does not exist or is not readable",
        e.getMessage());
  }

  @Test
  void anUnknownHostName_isNamed_withoutRetrying() {
    Host h = new Host("n9", "no-such-host.invalid", 22, "root", n1.keyFile());
    ChaosException e = assertThrows(ChaosException.class, () -> SshRemote.connect(h, settings()));
    assertEquals("SSH to root@no-such-host.invalid:22 (n9): unknown host 'no-such-host.invalid' (the name does not resolve);"
        + " check the address in the host list", e.getMessage());
  }

  @Test
  void aPortWithoutSshd_isRetried_thenReportedAsRefused() {
    Host h = new Host("n1", n1.address(), 2222, "root", n1.keyFile());
    ChaosException e = assertThrows(ChaosException.class, () -> SshRemote.connect(h, settings()));
    assertEquals("SSH to root@198.19.0.1:2222 (n1): connection refused: nothing listens on 198.19.0.1:2222 (is sshd running"
        + " there, on that port?) (gave up after 2 attempts)", e.getMessage());
  }

  @Test
  void aUserWhoCannotBecomeRoot_isToldHowToFixIt() {
    // 'nobody' may log in to the lab's sshd (its authorized_keys file is the lab's), but has no shell and no sudo
    Host h = new Host("n1", n1.address(), 22, "nobody", n1.keyFile());
    ChaosException e = assertThrows(ChaosException.class, () -> SshRemote.connect(h, settings()));
    assertEquals("SSH to nobody@198.19.0.1:22 (n1): user 'nobody' cannot run commands as root: 'sudo -n true' failed"
        + " (Could not chdir to home directory /nonexistent: No such file or directory; This account is currently not"
        + " available.). Connect as root, or give the user passwordless sudo (e.g. 'nobody"
        + " ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/)", e.getMessage());
  }

  @Test
  void aDroppedConnection_isReopened_forTheNextCommand() {
    try (SshRemote r = SshRemote.connect(n2, settings())) {
      assertEquals("before\n", r.execOk("echo before", T));
      long listener = Lab.at(lab.dir()).sshdPid(2).orElseThrow();
      // our session's sshd processes: everything in n2's namespace but the listener
      List<Long> sessions = new ArrayList<>();
      for (String p : LocalCommand.ok("ip", "netns", "pids", Lab.netns(2)).split("\\s+")) {
        if (!p.isBlank() && Long.parseLong(p) != listener && Procs.alive(Long.parseLong(p))) sessions.add(Long.parseLong(p));
      }
      assertTrue(!sessions.isEmpty(), "an sshd process serves our session");
      Procs.kill9AndWait(sessions, Duration.ofSeconds(10));
      assertEquals("after\n", r.execOk("echo after", T));
    }
  }
}
