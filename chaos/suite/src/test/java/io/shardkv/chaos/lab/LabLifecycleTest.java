package io.shardkv.chaos.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.chaos.ChaosException;
import io.shardkv.chaos.control.Host;
import io.shardkv.chaos.control.HostList;
import io.shardkv.chaos.control.Kernel;
import io.shardkv.chaos.control.LocalCommand;
import io.shardkv.chaos.control.SshRemote;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * {@code shardkv lab up|status|down} on this machine: up makes hosts that answer SSH on their own
 * address, is idempotent and repairs; down leaves nothing (namespaces, links, sshd and other
 * processes, firewall rules), also without its state file. Runs in order, on one lab.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabLifecycleTest {
  static final Path DIR = LabFixture.DIR;

  record Run(int exit, List<String> out, String err) {
    String last(int fromEnd) {
      return out.get(out.size() - fromEnd);
    }
  }

  static synchronized Run lab(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new LabCommand()).execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8).lines().toList(), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @BeforeAll
  static void start() {
    LabFixture.assumeLabPossible();
    LabFixture.down(); // a lab left by an earlier, crashed run of these tests
  }

  @AfterAll
  static void cleanUp() {
    LabFixture.down();
  }

  private static SshRemote ssh(Host h) {
    return SshRemote.connect(h, SshRemote.Settings.defaults(DIR.resolve("known_hosts")));
  }

  private static List<String> labLinks() {
    return LocalCommand.ok("ip", "-o", "link", "show").lines().filter(l -> l.contains("skvlab")).toList();
  }

  private static List<String> labRules() {
    List<String> l = new ArrayList<>();
    for (String table : List.of("filter", "nat", "mangle", "raw")) {
      LocalCommand.ok("iptables", "-t", table, "-S").lines().filter(r -> r.contains("skvlab") || r.contains(Lab.SUBNET + "."))
          .forEach(l::add);
    }
    return l;
  }

  private static List<String> labNamespaces() {
    return LocalCommand.ok("ip", "netns", "list").lines().filter(l -> l.startsWith(Lab.PREFIX)).toList();
  }

  @Test
  @Order(1)
  void up_makesHostsWithTheirOwnAddressAndSshd_andEndsWithTheHostLists() throws Exception {
    Files.createDirectories(DIR.resolve("n1"));
    Files.writeString(DIR.resolve("n1").resolve("faketime"), "+5.000\n"); // left by an earlier lab
    Run r = lab("up", "--hosts", "3", "--dir", DIR.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals("nodes-file=" + DIR.resolve("nodes"), r.last(2));
    assertEquals("inventory=" + DIR.resolve("inventory.ini"), r.last(1));

    List<Host> hosts = HostList.parseFile(DIR.resolve("nodes"), HostList.Defaults.standard());
    assertEquals(List.of("198.19.0.1", "198.19.0.2", "198.19.0.3"), hosts.stream().map(Host::address).toList());
    assertEquals(List.of("skvlab-n1", "skvlab-n2", "skvlab-n3"), labNamespaces().stream().map(l -> l.split(" ")[0]).sorted().toList());
    String inventory = Files.readString(DIR.resolve("inventory.ini"));
    assertTrue(inventory.contains("n2 ansible_host=198.19.0.2 ansible_port=22 ansible_user=root ansible_ssh_private_key_file="
        + DIR.resolve("id_ed25519") + " lab_root=" + DIR.resolve("n2")), inventory);

    for (Host h : hosts) {
      try (SshRemote remote = ssh(h)) {
        int k = Integer.parseInt(h.name().substring(1));
        assertEquals("198.19.0." + k + "/24", remote.execOk("ip -o -4 addr show dev eth0", Duration.ofSeconds(30)).split("\\s+")[3]);
        assertFalse(remote.execOk("ip route", Duration.ofSeconds(30)).contains("default"), "no way out of the lab");
        assertTrue(Kernel.sharedWithControlNode(remote), "a lab host runs on this machine's kernel");
        long sshd = Lab.at(DIR).sshdPid(k).orElseThrow();
        assertEquals("skvlab-n" + k, LocalCommand.ok("ip", "netns", "identify", Long.toString(sshd)).strip(),
            "sshd runs inside the host's namespace");
        assertEquals("+0.000", Files.readString(DIR.resolve(h.name()).resolve("faketime")).strip(), "a new host has no clock offset");
      }
    }
    Run status = lab("status", "--dir", DIR.toString());
    assertEquals(0, status.exit());
    assertEquals("lab=up", status.last(1));
    assertTrue(status.out().get(0).startsWith("n1 198.19.0.1 netns=skvlab-n1 sshd=pid "), status.out().get(0));
  }

  @Test
  @Order(2)
  void upAgain_changesNothingThatRuns_andRestartsAKilledSshd() throws Exception {
    Lab lab = Lab.at(DIR);
    List<Long> before = List.of(lab.sshdPid(1).orElseThrow(), lab.sshdPid(2).orElseThrow(), lab.sshdPid(3).orElseThrow());
    Files.writeString(DIR.resolve("n2").resolve("faketime"), "+2.000\n"); // a clock fault under way
    assertEquals(0, lab("up", "--hosts", "3", "--dir", DIR.toString()).exit());
    assertEquals(before, List.of(lab.sshdPid(1).orElseThrow(), lab.sshdPid(2).orElseThrow(), lab.sshdPid(3).orElseThrow()));
    assertEquals("+2.000", Files.readString(DIR.resolve("n2").resolve("faketime")).strip(), "a running host keeps its offset");

    Procs.kill9AndWait(List.of(before.get(1)), Duration.ofSeconds(10));
    Run broken = lab("status", "--dir", DIR.toString());
    assertEquals(1, broken.exit());
    assertEquals("lab=unhealthy", broken.last(1));
    assertTrue(broken.out().get(1).contains("sshd=not running ssh=no answer"), broken.out().get(1));

    assertEquals(0, lab("up", "--hosts", "3", "--dir", DIR.toString()).exit());
    long again = lab.sshdPid(2).orElseThrow();
    assertNotEquals(before.get(1), again);
    assertEquals(0, lab("status", "--dir", DIR.toString()).exit());
  }

  @Test
  @Order(3)
  void up_isRefused_withAnotherHostCount_orFromAnotherDirectory() {
    Run resize = lab("up", "--hosts", "5", "--dir", DIR.toString());
    assertEquals(1, resize.exit());
    assertEquals("lab: the lab in " + DIR + " is up with 3 hosts; run 'shardkv lab down --dir " + DIR
        + "' first to make one with 5", resize.err().strip());

    Path other = DIR.resolveSibling("test-lab-other");
    ChaosException e = assertThrows(ChaosException.class, () -> Lab.at(other).up(3, s -> { }));
    assertEquals("a lab made from " + DIR + " is up on this machine (one lab at a time); run 'shardkv lab down --dir "
        + DIR + "' first, or use that directory", e.getMessage());
    assertThrows(ChaosException.class, () -> Lab.at(other).down(s -> { }), "down from another directory leaves it alone");
    assertEquals(3, labNamespaces().size());

    assertEquals(2, lab("up", "--hosts", "0", "--dir", DIR.toString()).exit(), "bad --hosts is a usage error");
  }

  @Test
  @Order(4)
  void down_removesEveryProcessNamespaceLinkAndRule_evenAfterLosingItsState() throws Exception {
    Lab lab = Lab.at(DIR);
    List<Long> sshds = new ArrayList<>();
    for (int k = 1; k <= 3; k++) sshds.add(lab.sshdPid(k).orElseThrow());
    List<Host> hosts = HostList.parseFile(DIR.resolve("nodes"), HostList.Defaults.standard());
    try (SshRemote n1 = ssh(hosts.get(0)); SshRemote n3 = ssh(hosts.get(2))) {
      // a process started through a host's sshd that outlives the session, and a firewall rule inside a host
      n1.execOk("setsid sleep 600 > /dev/null 2>&1 < /dev/null &", Duration.ofSeconds(30));
      n3.execOk("iptables -A INPUT -s 198.19.0.1 -j DROP -w", Duration.ofSeconds(30));
    }
    assertEquals(List.of(), labRules(), "a host's rule lives in its namespace, not on this machine");
    List<Long> inN1 = Lab.namespacePids(1);
    assertTrue(inN1.stream().anyMatch(p -> Procs.cmdline(p).equals("sleep 600")), "stray process inside n1: " + inN1);
    long stray = inN1.stream().filter(p -> Procs.cmdline(p).equals("sleep 600")).findFirst().orElseThrow();

    Files.delete(DIR.resolve("lab.state")); // as if lost in a crash: down finds the lab by its names
    Run down = lab("down", "--dir", DIR.toString());
    assertEquals(0, down.exit(), down.err());

    assertEquals(List.of(), labNamespaces());
    assertEquals(List.of(), labLinks());
    for (long p : sshds) assertFalse(Procs.alive(p), "sshd " + p + " is gone");
    assertFalse(Procs.alive(stray), "the stray process inside a host is gone");
    // the lab's rules lived inside its namespaces; none ever named the lab on this machine itself
    // (compared by content, not as a whole: other tools may change this machine's rules meanwhile)
    assertEquals(List.of(), labRules(), "no firewall rule of this machine names the lab");
    assertTrue(Lab.bridgeOwner().isEmpty());

    Run status = lab("status", "--dir", DIR.toString());
    assertEquals(1, status.exit());
    assertEquals("lab=down", status.last(1));
    assertEquals(0, lab("down", "--dir", DIR.toString()).exit(), "down twice is fine");
  }
}
