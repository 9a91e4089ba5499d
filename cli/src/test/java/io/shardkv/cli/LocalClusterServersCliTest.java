package io.shardkv.cli;

import io.shardkv.cli.InProcessCli.Run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's promise on the command line: {@code local-cluster start --servers 3 --groups 2} starts 3
 * JVMs (not 9), each hosting a replica of the config center and both shard groups; the client, {@code
 * ctl status} and {@code local-cluster status} work on it with one line per hosted replica; the last
 * line of start is still {@code cluster=...}; stop stops the 3 processes.
 */
class LocalClusterServersCliTest {
  private static final Pattern SERVER_LINE =
      Pattern.compile("^\\s*server (\\d+) groups 0,1,2 127\\.0\\.0\\.1:\\d+ pid (\\d+) admin http://127\\.0\\.0\\.1:\\d+/status$");
  private static final Pattern STATUS_ROW = Pattern.compile("^(\\d+)\\s+(\\d+)\\s+(127\\.0\\.0\\.1:\\d+)\\s+(\\d+|-)\\s+(\\S+).*$");

  @TempDir Path dir;


  @Test
  void threeServersHostTheConfigCenterAndTwoShardGroups() throws Exception {
    String d = dir.resolve("c").toString();
    try {
      Run start = shardkv("local-cluster", "start", "--servers", "3", "--groups", "2", "--dir", d);
      assertEquals(0, start.exit(), start::toString);
      List<String> lines = start.lines();
      assertEquals("starting 3 servers hosting 3 groups from " + Path.of(d).toAbsolutePath().normalize().resolve("cluster.conf"),
          lines.get(0));
      long servers = lines.stream().filter(l -> SERVER_LINE.matcher(l).matches()).count();
      assertEquals(3, servers, start::toString);
      for (String l : lines) {
        Matcher m = SERVER_LINE.matcher(l);
        if (m.matches()) {
          long pid = Long.parseLong(m.group(2));
          assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "server pid " + pid + " runs");
        }
      }
      String last = lines.get(lines.size() - 1);
      assertTrue(last.matches("cluster=127\\.0\\.0\\.1:\\d+(,127\\.0\\.0\\.1:\\d+){2}"), last);
      String cluster = last.substring("cluster=".length());
      assertTrue(Files.readString(Path.of(d, "cluster.conf")).contains("group 2 = 1,2,3"));

      for (int i = 0; i < 8; i++) {
        Run put = shardkv("client", "--cluster", cluster, "put", "k" + i, "v" + i);
        assertEquals(List.of("OK"), put.lines(), put::toString);
      }
      for (int i = 0; i < 8; i++) {
        Run get = shardkv("client", "--cluster", cluster, "get", "k" + i);
        assertEquals(List.of("v" + i), get.lines(), get::toString);
      }

      Run ctl = shardkv("ctl", "--cluster", cluster, "status");
      assertEquals(0, ctl.exit(), ctl::toString);
      long replicaLines = ctl.lines().stream().filter(l -> l.matches("127\\.0\\.0\\.1:\\d+ node=\\d group=\\d role=.*")).count();
      assertEquals(9, replicaLines, "one line per hosted replica\n" + ctl);

      Run status = shardkv("local-cluster", "status", "--dir", d);
      assertEquals(0, status.exit(), status::toString);
      long rows = status.lines().stream().filter(l -> STATUS_ROW.matcher(l).matches()).count();
      assertEquals(9, rows, status::toString);
      long leaders = status.lines().stream().map(STATUS_ROW::matcher).filter(Matcher::matches)
          .filter(m -> m.group(5).equals("leader")).count();
      assertEquals(3, leaders, "one leader per group\n" + status);

      Run stop = shardkv("local-cluster", "stop", "--dir", d);
      assertEquals(List.of("stopped 3 node(s) of " + Path.of(d).toAbsolutePath().normalize()), stop.lines(), stop::toString);
    } finally {
      shardkv("local-cluster", "stop", "--dir", d);
    }
  }

  private static Run shardkv(String... args) {
    return InProcessCli.run(args);
  }
}
