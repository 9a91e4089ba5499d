package io.shardkv.server.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the migration log lines report as a shard's size (issue 11, item 4): keys and values in UTF-8 bytes. */
class KvDataSizeTest {
  private long seq;

  private void put(KvData d, String k, String v) {
    d.execute(new KvCommand(1, ++seq, new KvOp.Put(k, v)));
  }

  @Test
  void theSizeIsTheUtf8LengthOfEveryKeyAndValue() {
    KvData d = new KvData();
    assertEquals(0, d.byteSize());
    List<String[]> kv = List.of(new String[] {"a", "bc"}, new String[] {"é", "€"}, new String[] {"emoji", "\uD83D\uDE00"},
        new String[] {"lone", "x\uD800y"}, new String[] {"key with space", ""});
    long expected = 0;
    for (String[] e : kv) {
      put(d, e[0], e[1]);
      expected += e[0].getBytes(StandardCharsets.UTF_8).length + e[1].getBytes(StandardCharsets.UTF_8).length;
    }
    assertEquals(expected, d.byteSize());
    assertEquals(1 + 2 + 2 + 3 + 5 + 4 + 4 + 3 + 14, d.byteSize(), "counted by hand");
    put(d, "a", "b"); // an overwrite replaces the old value's size
    assertEquals(expected - 1, d.byteSize());
    assertEquals(5, d.keyCount());
  }
}
