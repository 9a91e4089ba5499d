package io.shardkv.driver.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.Status;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated frames against the decoder and the message codec: every input either decodes
 * or is rejected with a {@link FrameException}; no other exception, no allocation beyond the limit.
 * Frame count: {@code -Dshardkv.fuzz.frames=N} (default 100,000).
 */
class DecoderFuzzTest {

  static final int FRAMES = Integer.getInteger("shardkv.fuzz.frames", 100_000);
  private static final int MAX = 64 * 1024;

  @Test
  void randomAndMutatedFramesDecodeOrFailWithAFrameException() {
    long seed = Long.getLong("shardkv.fuzz.seed", 20261125L);
    Random r = new Random(seed);
    RandomMessages gen = new RandomMessages(seed);
    int decoded = 0;
    int rejected = 0;
    int valid = 0;
    for (int i = 0; i < FRAMES; i++) {
      byte[] wire = FrameEncoder.toBytes(MessageCodec.encode(r.nextLong(), gen.next()));
      int mode = r.nextInt(10);
      if (mode < 6) {
        mutate(wire, r);
      } else if (mode < 8) {
        wire = java.util.Arrays.copyOf(wire, r.nextInt(wire.length + 1)); // truncate
      } else if (mode == 8) {
        r.nextBytes(wire); // garbage
      } // else: leave valid
      FrameDecoder d = new FrameDecoder(MAX);
      try {
        int pos = 0;
        int[] frames = {0};
        while (pos < wire.length) {
          int n = Math.min(wire.length - pos, 1 + r.nextInt(40));
          d.feed(ByteBuffer.wrap(wire, pos, n), f -> {
            frames[0]++;
            try {
              MessageCodec.decode(f);
            } catch (FrameException e) {
              assertEquals(Status.MALFORMED_FRAME, e.status(), e.getMessage());
              throw new PayloadRejected();
            }
          });
          pos += n;
          assertTrue(d.allocatedPayloadBytes() <= MAX, "allocation within limit");
        }
        d.endOfStream();
        if (frames[0] == 1) valid++;
        decoded++;
      } catch (FrameException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        rejected++;
      } catch (PayloadRejected e) {
        rejected++;
      }
    }
    System.out.printf("decoder fuzz: %d frames (seed %d): %d decoded (%d valid messages), %d rejected%n",
        FRAMES, seed, decoded, valid, rejected);
    assertEquals(FRAMES, decoded + rejected);
    assertTrue(valid > FRAMES / 20, "the mix keeps exercising the success path");
    assertTrue(rejected > FRAMES / 2, "the mix keeps exercising the rejection paths");
  }

  /** Flips, sets or inserts a few bytes anywhere in the frame. */
  static void mutate(byte[] wire, Random r) {
    int n = 1 + r.nextInt(3);
    for (int k = 0; k < n; k++) {
      int at = r.nextInt(wire.length);
      switch (r.nextInt(3)) {
        case 0: wire[at] ^= (byte) (1 << r.nextInt(8)); break;
        case 1: wire[at] = (byte) r.nextInt(256); break;
        default: wire[at] = (byte) (r.nextBoolean() ? 0 : 0xFF); break;
      }
    }
  }

  private static final class PayloadRejected extends RuntimeException {
    PayloadRejected() {
      super(null, null, false, false);
    }
  }
}
