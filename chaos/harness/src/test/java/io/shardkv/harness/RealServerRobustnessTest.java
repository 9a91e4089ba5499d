package io.shardkv.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.ClientOptions;
import io.shardkv.driver.client.ShardKvClient;
import io.shardkv.driver.protocol.FrameEncoder;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol robustness against a real server process (a one-node config center and a one-node shard
 * group, each its own JVM): garbage, oversized and unknown frames get an ERROR frame and a close;
 * half-open and stalled connections do not stop the node from serving a well-behaved client; a
 * burst of mutated frames ({@code -Dshardkv.e2e.fuzz.frames}, default 20,000) leaves it serving.
 * (An in-process fuzz with more frame shapes is {@code io.shardkv.server.net.LiveServerFuzzTest}.)
 */
class RealServerRobustnessTest {
  @TempDir static Path dir;
  static LocalCluster cluster;
  static ShardKvClient good;
  static InetSocketAddress groupNode;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.open(dir.resolve("c"), 1, 1, 1, System.getProperty("java.class.path"), null);
    cluster.startAll();
    cluster.awaitHealthyAndJoined(Duration.ofSeconds(150));
    good = ShardKvClient.connect(cluster.configCenterAddresses(), ClientOptions.defaults());
    groupNode = cluster.config().node(2).socketAddress();
  }

  @AfterAll
  static void stop() {
    if (good != null) good.close();
    if (cluster != null) cluster.killAll();
  }

  /** Everything the server sends on a connection until it closes it (or 10 s pass). */
  static byte[] sendAndReadUntilClosed(byte[] bytes) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(groupNode, 2000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(bytes);
      s.getOutputStream().flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) got.write(buf, 0, n);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server kept a violating connection open for 10 s; got " + got.size() + " bytes");
      } catch (IOException reset) {
        // connection reset after the ERROR frame counts as closed
      }
      return got.toByteArray();
    }
  }

  private static void assertErrorFrame(byte[] reply, int status) {
    assertTrue(reply.length >= 17, "expected an ERROR frame, got " + reply.length + " bytes");
    assertEquals(0x53, reply[0] & 0xff);
    assertEquals(0x4B, reply[1] & 0xff);
    assertEquals(0xFF, reply[3] & 0xff, "frame type");
    assertEquals(status, reply[16] & 0xff, "status byte of the ERROR payload");
  }

  private static void assertStillServes(String key) throws Exception {
    good.put(key, "v-" + key);
    assertEquals(Optional.of("v-" + key), good.get(key));
  }

  @Test
  void jdbcDriverWorksAgainstTheRealClusterThroughTheTcpBackend() throws Exception {
    // backend=tcp: the driver's test-jar (a server test dependency) also offers its in-memory backend.
    String url = "jdbc:shardkv://" + String.join(",", cluster.configCenterAddresses()) + "?timeout=10s&backend=tcp";
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url)) {
      try (java.sql.PreparedStatement put = c.prepareStatement("INSERT INTO kv (k, v) VALUES (?, ?)")) {
        put.setString(1, "jdbc-key");
        put.setString(2, "h\u00e9llo 'quoted'");
        assertEquals(1, put.executeUpdate());
      }
      try (java.sql.PreparedStatement get = c.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
        get.setString(1, "jdbc-key");
        try (java.sql.ResultSet rs = get.executeQuery()) {
          assertTrue(rs.next());
          assertEquals("h\u00e9llo 'quoted'", rs.getString(1));
        }
      }
      try (java.sql.Statement st = c.createStatement()) {
        assertEquals(0, st.executeUpdate("UPDATE kv SET v = 'new' WHERE k = 'jdbc-key' AND v = 'other'"));
        assertEquals(1, st.executeUpdate("UPDATE kv SET v = v || '!' WHERE k = 'jdbc-key'"));
        assertEquals(1, st.executeUpdate("DELETE FROM kv WHERE k = 'jdbc-key'"));
      }
      assertTrue(c.isValid(2));
    }
    assertEquals(Optional.empty(), good.get("jdbc-key"));
  }

  @Test
  void garbageBytesGetMalformedFrameErrorAndClose() throws Exception {
    assertErrorFrame(sendAndReadUntilClosed("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()), 11);
    assertStillServes("after-garbage");
  }

  @Test
  void oversizedFrameIsRejectedFromItsHeaderAlone() throws Exception {
    byte[] header = {0x53, 0x4B, 1, 2, 0, 0, 0, 0, 0, 0, 0, 9, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0};
    assertErrorFrame(sendAndReadUntilClosed(header), 8);
    assertStillServes("after-oversized");
  }

  @Test
  void unknownFrameTypeAndBadVersionAreRejected() throws Exception {
    assertErrorFrame(sendAndReadUntilClosed(new byte[] {0x53, 0x4B, 1, 0x6e, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}), 10);
    assertErrorFrame(sendAndReadUntilClosed(new byte[] {0x53, 0x4B, 9, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}), 7);
    assertStillServes("after-unknown");
  }

  @Test
  void halfOpenAndStalledConnectionsDoNotBlockOtherClients() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket s = new Socket();
        s.connect(groupNode, 2000);
        if (i % 2 == 0) s.getOutputStream().write(new byte[] {0x53, 0x4B, 1}); // a frame started, never finished
        idle.add(s);
      }
      for (int i = 0; i < 20; i++) assertStillServes("while-stalled-" + i);
    } finally {
      for (Socket s : idle) s.close();
    }
  }

  @Test
  void mutatedFrameBurstLeavesTheNodeServing() throws Exception {
    int frames = Integer.getInteger("shardkv.e2e.fuzz.frames", 100_000);
    SplittableRandom r = new SplittableRandom(Long.getLong("shardkv.e2e.fuzz.seed", 11));
    int sent = 0;
    while (sent < frames) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      int n = Math.min(frames - sent, 500);
      for (int i = 0; i < n; i++) {
        byte[] f = FrameEncoder.toBytes(MessageCodec.encode(i + 1,
            new Request.Get(r.nextLong(), r.nextLong(1, 1000), "fuzz-" + r.nextInt(100))));
        if (i == n - 1 || r.nextInt(500) == 0) { // mutate: the server must answer the prefix and reject this one
          for (int k = 0; k < 1 + r.nextInt(3); k++) f[r.nextInt(f.length)] = (byte) r.nextInt(256);
        }
        burst.writeBytes(f);
      }
      sent += n;
      try (Socket s = new Socket()) {
        s.connect(groupNode, 2000);
        s.setSoTimeout(15_000);
        s.getOutputStream().write(burst.toByteArray());
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[65536];
        try {
          while (in.read(buf) >= 0) {
            // drain replies until the server closes
          }
        } catch (IOException closed) {
          // reset is a close too
        }
      }
    }
    assertStillServes("after-fuzz");
    String log = Files.readString(cluster.dir().resolve("node-2.log"));
    assertTrue(log.contains("WARN"), "rejections are logged");
  }
}
