package io.shardkv.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.protocol.ClientConnection;
import io.shardkv.driver.protocol.Frame;
import io.shardkv.driver.protocol.FrameEncoder;
import io.shardkv.driver.protocol.FrameException;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Message;
import io.shardkv.driver.protocol.MessageCodec;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.routing.Status;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated frames against a live server on 127.0.0.1 while a well-behaved client works
 * alongside, until the server has answered {@code FRAMES} of them: every fuzzing connection ends with replies and/or an ERROR frame and a close (never a
 * hang), and the well-behaved client sees every answer right. Frame count:
 * {@code -Dshardkv.fuzz.frames=N} (default 100,000); seed {@code -Dshardkv.fuzz.seed}.
 */
class LiveServerFuzzTest {
  static final int FRAMES = Integer.getInteger("shardkv.fuzz.frames", 100_000);
  static final int FRAMES_PER_CONNECTION = 100;

  @Test
  void serverSurvivesFuzzedConnectionsAndKeepsServingAWellBehavedClient() throws Exception {
    long seed = Long.getLong("shardkv.fuzz.seed", 6L);
    Random r = new Random(seed);
    AtomicReference<Throwable> goodFailure = new AtomicReference<>();
    int[] goodOps = {0};
    try (LogCapture logs = new LogCapture(true);
        TestServer server = new TestServer(ConnectionOptions.DEFAULT.withMaxPayloadBytes(64 * 1024)
            .withFrameTimeout(Duration.ofSeconds(2)));
        ClientConnection good = new ClientConnection(server.address())) {
      Thread wellBehaved = new Thread(() -> {
        try {
          for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
            String key = "good-" + (i % 50);
            String value = "v" + i;
            assertEquals(Response.ok(FrameType.PUT), good.call(new Request.Put(1, i, key, value), Duration.ofSeconds(10)));
            assertEquals(Response.value(value), good.call(new Request.Get(1, i, key), Duration.ofSeconds(10)));
            goodOps[0] += 2;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Throwable e) {
          goodFailure.set(e);
        }
      });
      wellBehaved.start();

      int sent = 0;
      int connections = 0;
      int replies = 0;
      int errorFrames = 0;
      while (replies + errorFrames < FRAMES) { // frames the server actually parsed and answered
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        int n = FRAMES_PER_CONNECTION;
        for (int i = 0; i < n; i++) batch.writeBytes(fuzzFrame(r));
        sent += n;
        connections++;
        try (RawClient fuzz = new RawClient(server.address(), 10_000)) {
          try {
            fuzz.write(batch.toByteArray());
            fuzz.socket.shutdownOutput();
          } catch (java.io.IOException closedEarly) {
            // the server may close before reading everything: fine
          }
          Frame f;
          boolean sawError = false;
          while ((f = fuzz.read()) != null) {
            Message m = MessageCodec.decode(f); // every reply the server sends is well formed
            assertTrue(m instanceof Response || m instanceof io.shardkv.driver.protocol.ProtocolError, m.toString());
            assertTrue(!sawError, "nothing after an ERROR frame");
            if (f.type() == FrameType.ERROR) {
              sawError = true;
              errorFrames++;
            } else {
              replies++;
            }
          }
        } catch (FrameException e) {
          throw new AssertionError("the server sent bytes that do not decode: " + e.getMessage(), e);
        }
      }
      wellBehaved.interrupt();
      wellBehaved.join();
      if (goodFailure.get() != null) throw new AssertionError("the well-behaved client failed", goodFailure.get());
      assertEquals(Status.OK, good.call(new Request.Put(1, 0, "after", "fuzz"), Duration.ofSeconds(10)).status());
      int logLines = logs.lines().size();
      System.out.printf("live fuzz: %d frames written on %d connections (seed %d): %d replies, %d ERROR frames, "
          + "%d warning lines; well-behaved client did %d ops alongside%n",
          sent, connections, seed, replies, errorFrames, logLines, goodOps[0]);
      assertTrue(logLines >= errorFrames && logLines <= connections,
          "one log line per rejected connection: " + logLines + " lines, " + errorFrames + " errors");
      assertTrue(goodOps[0] > 0, "the well-behaved client made progress during the fuzzing");
      assertTrue(replies > 0 && errorFrames > 0, "the mix exercises both paths");
    }
  }

  private static final List<Message> SEEDS = List.of(
      new Request.Get(1, 1, "k"), new Request.Put(1, 2, "k", "v"), new Request.Append(1, 3, "k", "w"),
      new Request.Cas(1, 4, "k", "v", "x"), new Request.Cas(1, 4, "k", null, "x"), new Request.Delete(1, 5, "k"),
      new Request.Query(-1), new Request.NodeStatus(), new Request.Ping(), new Request.Leave(1, 6, List.of(1, 2)),
      new Request.Move(1, 7, 3, 4));

  /** Mostly valid requests; a few mutated, truncated, garbage or with random type bytes. */
  private static byte[] fuzzFrame(Random r) {
    byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(r.nextInt(1000), SEEDS.get(r.nextInt(SEEDS.size()))));
    int mode = r.nextInt(1000);
    if (mode < 985) return wire;
    if (mode < 993) {
      wire[r.nextInt(wire.length)] ^= (byte) (1 << r.nextInt(8));
      return wire;
    }
    if (mode < 995) return java.util.Arrays.copyOf(wire, r.nextInt(wire.length));
    if (mode < 998) {
      wire[3] = (byte) r.nextInt(256);
      return wire;
    }
    byte[] garbage = new byte[1 + r.nextInt(64)];
    r.nextBytes(garbage);
    return garbage;
  }
}
