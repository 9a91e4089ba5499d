package io.shardkv.driver.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** BinaryWriter writes DataOutputStream's big-endian layout, with int-length prefixed byte arrays and strings. */
class BinaryWriterTest {
  @Test
  void writesTheDataOutputStreamLayoutWhateverItsInitialCapacity() throws Exception {
    byte[] blob = new byte[300];
    for (int i = 0; i < blob.length; i++) blob[i] = (byte) (i * 7);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(expected);
    d.writeByte(0xAB);
    d.writeBoolean(true);
    d.writeInt(-2);
    d.writeLong(0x0102030405060708L);
    d.writeInt(blob.length);
    d.write(blob);
    byte[] s = "grüße".getBytes(StandardCharsets.UTF_8);
    d.writeInt(s.length);
    d.write(s);
    d.writeBoolean(false); // an absent nullable string
    d.writeLong(Long.MIN_VALUE);
    for (int capacity : new int[] {0, 1, 5, 64, 1024}) {
      byte[] got = new BinaryWriter(capacity).writeByte(0xAB).writeBoolean(true).writeInt(-2)
          .writeLong(0x0102030405060708L).writeBytes(blob).writeString("grüße").writeNullableString(null)
          .writeLong(Long.MIN_VALUE).toByteArray();
      assertArrayEquals(expected.toByteArray(), got, "initial capacity " + capacity);
    }
  }
}
