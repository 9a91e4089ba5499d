package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.replica.PlantedBug;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {
  static final Path FILE = Path.of("/etc/shardkv/cluster.conf");

  @Test
  void parsesSettingsAndNodesAndResolvesRelativeDirsAgainstTheFile() {
    ClusterConfig c = ClusterConfig.parse(FILE, List.of(
        "# a cluster", "shards = 16", "tick-ms = 5", "election-ticks = 20..40",
        "node 1 group=0 addr=10.0.0.1:7000 admin=10.0.0.1:8000 dir=n1   # config center",
        "node 2 group=1 addr=10.0.0.2:7000 admin=10.0.0.2:8000 dir=/data/n2"));
    assertEquals(16, c.settings().shards());
    assertEquals(20, c.settings().electionMinTicks());
    assertEquals(Path.of("/etc/shardkv/n1"), c.node(1).dir());
    assertEquals(Path.of("/data/n2"), c.node(2).dir());
    assertEquals(List.of(1), c.shardGroups());
    assertEquals(List.of("10.0.0.2:7000"), c.addresses(1));
    assertEquals(2, c.byAddress("10.0.0.2:7000").id());
  }

  @Test
  void sessionIdleSecondsDefaultsToTenMinutesAcceptsZeroAndRefusesTooShortALimit() {
    String node = "node 1 group=0 addr=h:1 admin=h:2 dir=a";
    assertEquals(600_000, ClusterConfig.parse(FILE, List.of(node)).settings().sessionIdleMillis());
    assertEquals(0, ClusterConfig.parse(FILE, List.of("session-idle-seconds = 0", node)).settings().sessionIdleMillis());
    ClusterConfig c = ClusterConfig.parse(FILE, List.of("session-idle-seconds = 3600", node));
    assertEquals(3_600_000, c.settings().sessionIdleMillis());
    String text = ClusterConfig.render(c.settings(), List.copyOf(c.nodes().values()), FILE.getParent());
    assertEquals(c.settings(), ClusterConfig.parse(FILE, List.of(text.split("\n"))).settings());
    ClusterConfig.ConfigException e = assertThrows(ClusterConfig.ConfigException.class,
        () -> ClusterConfig.parse(FILE, List.of("session-idle-seconds = 5", node)));
    assertTrue(e.getMessage().startsWith(FILE + ":1: session-idle-seconds = 5 is too short"), e.getMessage());
    assertTrue(e.getMessage().contains("at least 60"), e.getMessage());
  }

  @Test
  void renderedConfigParsesBackToTheSameNodes() {
    ClusterConfig c = ClusterConfig.parse(FILE, List.of("node 1 group=0 addr=h:1 admin=h:2 dir=a", "node 2 group=3 addr=h:3 admin=h:4 dir=b"));
    String text = ClusterConfig.render(c.settings(), List.copyOf(c.nodes().values()), FILE.getParent());
    ClusterConfig back = ClusterConfig.parse(FILE, List.of(text.split("\n")));
    assertEquals(c.nodes(), back.nodes());
    assertEquals(c.settings(), back.settings());
  }

  @Test
  void unsafeDisableDedupIsOffByDefaultAndOnlyRenderedWhenOn() {
    ClusterConfig plain = ClusterConfig.parse(FILE, List.of("node 1 group=0 addr=h:1 admin=h:2 dir=a"));
    assertEquals(false, plain.settings().unsafeDisableDedup());
    String text = ClusterConfig.render(plain.settings(), List.copyOf(plain.nodes().values()), FILE.getParent());
    assertTrue(!text.contains("unsafe"), text);

    ClusterConfig unsafe = ClusterConfig.parse(FILE, List.of("unsafe-disable-dedup = true", "node 1 group=0 addr=h:1 admin=h:2 dir=a"));
    assertEquals(true, unsafe.settings().unsafeDisableDedup());
    String back = ClusterConfig.render(unsafe.settings(), List.copyOf(unsafe.nodes().values()), FILE.getParent());
    assertEquals(unsafe.settings(), ClusterConfig.parse(FILE, List.of(back.split("\n"))).settings());
  }

  @Test
  void badLinesAreReportedWithFileAndLine() {
    assertError("cluster.conf:2: unknown setting 'shard'", "node 1 group=0 addr=h:1 admin=h:2 dir=a", "shard = 3");
    assertError("cluster.conf:1: election-ticks must be MIN..MAX", "election-ticks = 30");
    assertError("cluster.conf:1: node 1 lacks admin=", "node 1 group=0 addr=h:1 dir=a");
    assertError("cluster.conf:1: addr must be HOST:PORT", "node 1 group=0 addr=h admin=h:2 dir=a");
    assertError("cluster.conf:2: node 1 is defined twice", "node 1 group=0 addr=h:1 admin=h:2 dir=a", "node 1 group=0 addr=h:3 admin=h:4 dir=b");
    assertError("no node of group 0", "node 1 group=1 addr=h:1 admin=h:2 dir=a");
    assertError("cluster.conf:1: tick-ms must be a whole number, got 'fast'", "tick-ms = fast");
  }

  static final String NODE = "node 1 group=0 addr=h:1 admin=h:2 dir=a";

  @Test
  void everyPlantedBugIsRefusedWithoutTheAcknowledgementAndNamesTheLineAndTheFix() {
    for (PlantedBug bug : PlantedBug.values()) {
      ClusterConfig.ConfigException e = assertThrows(ClusterConfig.ConfigException.class,
          () -> ClusterConfig.parse(FILE, List.of(NODE, bug.configKey() + " = true")));
      assertTrue(e.getMessage().startsWith(FILE + ":2: " + bug.configKey()), e.getMessage());
      assertTrue(e.getMessage().contains("i-know-this-is-unsafe = true"), e.getMessage());
    }
    assertError("cluster.conf:1: unsafe-stale-reads must be true or false", "unsafe-stale-reads = maybe", NODE);
    assertError("unknown setting 'unsafe-fast-reads'", "unsafe-fast-reads = true", NODE);
  }

  @Test
  void plantedBugsWithTheAcknowledgementAreOnAndRenderBackTheSame() {
    List<String> lines = new java.util.ArrayList<>(List.of(NODE, "i-know-this-is-unsafe = true"));
    for (PlantedBug bug : PlantedBug.values()) lines.add(bug.configKey() + " = true");
    ClusterConfig c = ClusterConfig.parse(FILE, lines);
    assertEquals(EnumSet.allOf(PlantedBug.class), c.settings().unsafe());
    assertTrue(c.settings().unsafeDisableDedup(), "unsafe-no-dedup is what unsafe-disable-dedup always was");
    String text = ClusterConfig.render(c.settings(), List.copyOf(c.nodes().values()), FILE.getParent());
    assertTrue(text.contains("i-know-this-is-unsafe = true"), text);
    assertEquals(c.settings(), ClusterConfig.parse(FILE, List.of(text.split("\n"))).settings());
  }

  @Test
  void theAcknowledgementAloneOrBugsSetFalseChangeNothing() {
    ClusterConfig plain = ClusterConfig.parse(FILE, List.of(NODE));
    assertEquals(Set.of(), plain.settings().unsafe());
    assertEquals(plain.settings(), ClusterConfig.parse(FILE, List.of(NODE, "i-know-this-is-unsafe = true")).settings());
    assertEquals(plain.settings(), ClusterConfig.parse(FILE, List.of(NODE, "unsafe-lease-reads = false")).settings());
  }

  @Test
  void theOlderNameUnsafeDisableDedupStillWorksAsBeforeAndMeansNoDedup() {
    ClusterConfig old = ClusterConfig.parse(FILE, List.of("unsafe-disable-dedup = true", NODE));
    assertEquals(EnumSet.of(PlantedBug.NO_DEDUP), old.settings().unsafe());
    ClusterConfig named = ClusterConfig.parse(FILE, List.of("unsafe-no-dedup = true", "i-know-this-is-unsafe = true", NODE));
    assertEquals(old.settings(), named.settings());
    assertEquals(old.settings(), new ClusterConfig.Settings(64, 10, 15, 30, 2, 300, 4L << 20, true, false, true),
        "the settings' older constructor: unsafeDisableDedup = true is NO_DEDUP");
  }

  private static void assertError(String expected, String... lines) {
    ClusterConfig.ConfigException e = assertThrows(ClusterConfig.ConfigException.class,
        () -> ClusterConfig.parse(FILE, List.of(lines)));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
