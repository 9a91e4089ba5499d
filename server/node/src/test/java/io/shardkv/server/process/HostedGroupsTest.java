package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 (docs/membership.md): a server's hosted groups live in its data directory; the config
 * file's group lines only seed them at the server's first start, and spare servers start in no group.
 */
class HostedGroupsTest {
  @TempDir Path dir;

  private ClusterConfig config(String group1) {
    return ClusterConfig.parse(dir.resolve("cluster.conf"), List.of(
        "server 1 addr=h1:1 admin=h1:2 dir=s1",
        "server 2 addr=h2:1 admin=h2:2 dir=s2",
        "server 3 addr=h3:1 admin=h3:2 dir=s3",
        "server 4 addr=h4:1 admin=h4:2 dir=s4 spare=true",
        "group 0 = 1,2,3",
        "group 1 = " + group1));
  }

  @Test
  void theConfigFileSeedsTheFirstStartAndTheDataDirectoryDecidesAfterwards() throws IOException {
    HostedGroups first = HostedGroups.loadOrSeed(config("1,2,3"), 3);
    assertEquals(Map.of(0, List.of(1, 2, 3), 1, List.of(1, 2, 3)), first.seeds());
    assertTrue(Files.exists(dir.resolve("s3").resolve(HostedGroups.FILE)), "written at the first start");

    first.remove(1); // ctl remove-replica 1 3
    // The operator edits the group line afterwards: it no longer matters for server 3, nor for the seed.
    HostedGroups restarted = HostedGroups.loadOrSeed(config("1,2,4"), 3);
    assertEquals(Map.of(0, List.of(1, 2, 3)), restarted.seeds(), "server 3 hosts what its data directory says");
  }

  @Test
  void aSpareStartsInNoGroupAndRemembersTheGroupsItIsAddedTo() throws IOException {
    HostedGroups spare = HostedGroups.loadOrSeed(config("1,2,3"), 4);
    assertTrue(spare.seeds().isEmpty());
    spare.add(1, List.of(3, 1, 2)); // ctl add-replica 1 4: the leader passes the group's seed
    assertEquals(Map.of(1, List.of(1, 2, 3)), HostedGroups.loadOrSeed(config("1,2,3"), 4).seeds(),
        "the group and its seed (not including the server itself) survive a restart");
  }

  @Test
  void aDamagedFileIsReportedWithItsLineAndHowToFixIt() throws IOException {
    Path s1 = dir.resolve("s1");
    Files.createDirectories(s1);
    Files.writeString(s1.resolve(HostedGroups.FILE), "# hosted\ngroup 0 seed=1,2,3\ngroup one seed=1\n");
    IOException e = assertThrows(IOException.class, () -> HostedGroups.loadOrSeed(config("1,2,3"), 1));
    assertTrue(e.getMessage().contains("hosted-groups:3: expected 'group G seed=ID,ID,...', got 'group one seed=1'"),
        e.getMessage());
  }

  @Test
  void aServerInNoGroupMustBeMarkedSpare() {
    ClusterConfig.ConfigException e = assertThrows(ClusterConfig.ConfigException.class,
        () -> ClusterConfig.parse(dir.resolve("cluster.conf"), List.of(
            "server 1 addr=h1:1 admin=h1:2 dir=s1", "server 2 addr=h2:1 admin=h2:2 dir=s2", "group 0 = 1")));
    assertTrue(e.getMessage().contains("server 2 is in no group; name it in a 'group G = ...' line, mark it spare=true"),
        e.getMessage());
    assertFalse(config("1,2,3").groupsOf(4).iterator().hasNext(), "a spare=true server is accepted in no group");
  }

  @Test
  void theNodeFormatHasNoFileAndCannotChange() throws IOException {
    ClusterConfig c = ClusterConfig.parse(dir.resolve("cluster.conf"), List.of(
        "node 1 group=0 addr=h:1 admin=h:2 dir=n1"));
    HostedGroups h = HostedGroups.loadOrSeed(c, 1);
    assertEquals(Map.of(0, List.of(1)), h.seeds());
    assertFalse(h.mutable());
    assertFalse(Files.exists(dir.resolve("n1").resolve(HostedGroups.FILE)));
  }
}
