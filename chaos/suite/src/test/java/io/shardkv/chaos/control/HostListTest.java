package io.shardkv.chaos.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host lists: {@code --nodes a,b,c} and nodes files (docs/chaos.md, "Hosts"). */
class HostListTest {
  @TempDir Path dir;

  private Path nodesFile(String... lines) throws IOException {
    Path f = dir.resolve("nodes");
    Files.write(f, List.of(lines));
    return f;
  }

  private String error(Path f) {
    return assertThrows(IllegalArgumentException.class, () -> HostList.parseFile(f, HostList.Defaults.standard())).getMessage();
  }

  @Test
  void nodesOption_namesHostsInOrder_withDefaultPortUserAndKey() {
    List<Host> hosts = HostList.parseNodes("db1,db2:2222, 10.0.0.3", new HostList.Defaults(22, "admin", null));
    assertEquals(List.of(
        new Host("n1", "db1", 22, "admin", null),
        new Host("n2", "db2", 2222, "admin", null),
        new Host("n3", "10.0.0.3", 22, "admin", null)), hosts);
  }

  @Test
  void nodesOption_rejectsEmptyNamesDuplicatesAndBadPorts() {
    HostList.Defaults d = HostList.Defaults.standard();
    assertEquals("--nodes: empty host name in 'a,,b' (expected n1,n2,...)",
        assertThrows(IllegalArgumentException.class, () -> HostList.parseNodes("a,,b", d)).getMessage());
    assertEquals("--nodes: host a is listed twice",
        assertThrows(IllegalArgumentException.class, () -> HostList.parseNodes("a,b,a", d)).getMessage());
    assertEquals("--nodes: SSH port must be a number, got 'x'",
        assertThrows(IllegalArgumentException.class, () -> HostList.parseNodes("a:x", d)).getMessage());
    assertEquals("--nodes: 'a b' is not a host name or address",
        assertThrows(IllegalArgumentException.class, () -> HostList.parseNodes("a b", d)).getMessage());
  }

  @Test
  void file_readsAddressPortUserKey_skipsCommentsAndBlankLines_resolvesKeyAgainstTheFile() throws IOException {
    Files.writeString(dir.resolve("lab.key"), "not really a key\n");
    Path f = nodesFile(
        "# the lab",
        "",
        "198.19.0.1 22 root lab.key   # first host",
        "198.19.0.2 2222",
        "host-c - deploy",
        "   ");
    List<Host> hosts = HostList.parseFile(f, HostList.Defaults.standard());
    assertEquals(List.of(
        new Host("n1", "198.19.0.1", 22, "root", dir.resolve("lab.key")),
        new Host("n2", "198.19.0.2", 2222, "root", null),
        new Host("n3", "host-c", 22, "deploy", null)), hosts);
  }

  @Test
  void file_dashMeansTheDefault_includingTheDefaultKey() throws IOException {
    Path key = Files.writeString(dir.resolve("k"), "x");
    List<Host> hosts = HostList.parseFile(nodesFile("a - - -"), new HostList.Defaults(2200, "ops", key));
    assertEquals(new Host("n1", "a", 2200, "ops", key), hosts.get(0));
    assertNull(HostList.parseFile(nodesFile("a"), HostList.Defaults.standard()).get(0).keyFile());
  }

  @Test
  void file_errorsNameTheFileAndLine() throws IOException {
    assertEquals(dir.resolve("nodes") + ":2: SSH port must be a number, got 'ssh'", error(nodesFile("a", "b ssh root")));
    assertEquals(dir.resolve("nodes") + ":1: SSH port must be in 1..65535, got 70000", error(nodesFile("a 70000")));
    assertEquals(dir.resolve("nodes") + ":3: key file " + dir.resolve("missing.key") + " does not exist",
        error(nodesFile("a", "# c", "b 22 root missing.key")));
    assertEquals(dir.resolve("nodes") + ":1: expected 'ADDRESS [PORT [USER [KEYFILE]]]', got 5 fields: 'a 22 root k extra'",
        error(nodesFile("a 22 root k extra")));
    assertEquals(dir.resolve("nodes") + ":2: host a port 22 is listed twice", error(nodesFile("a", "a 22")));
    assertEquals(dir.resolve("nodes") + ":1: 'Root' is not a user name", error(nodesFile("a 22 Root")));
    assertEquals(dir.resolve("nodes") + ":1: 'a/b' is not a host name or IP address", error(nodesFile("a/b")));
  }

  @Test
  void file_withoutHosts_saysWhatALineLooksLike() throws IOException {
    assertEquals(dir.resolve("nodes") + ": no hosts (one per line: ADDRESS [PORT [USER [KEYFILE]]]; see docs/chaos.md)",
        error(nodesFile("# nothing", "")));
  }

  @Test
  void file_thatCannotBeRead_isAnError() {
    Path missing = dir.resolve("absent");
    String m = error(missing);
    assertEquals(missing + ": cannot read the nodes file: " + missing, m);
  }

  @Test
  void render_writesAFileThatParsesBackToTheSameHosts() throws IOException {
    Path key = Files.writeString(dir.resolve("id"), "x");
    List<Host> hosts = List.of(new Host("n1", "198.19.0.1", 22, "root", key), new Host("n2", "198.19.0.2", 2022, "ops", null));
    Path f = Files.writeString(dir.resolve("nodes"), HostList.render(hosts, "test hosts"));
    assertEquals(hosts, HostList.parseFile(f, HostList.Defaults.standard()));
  }
}
