package io.shardkv.server.sim.raft;

import io.shardkv.server.raft.EntryKind;
import io.shardkv.server.raft.LogEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated state machine of the Raft simulation: it remembers every command it applied by
 * index (like the 6.824 tester's per-server log) and a rolling hash over everything applied, NOOPs
 * included. Its snapshot carries all of that, so a node restored from a snapshot can still answer
 * "what was applied at index i".
 */
final class TestStateMachine {
  private final TreeMap<Long, byte[]> commands = new TreeMap<>();
  private long lastApplied;
  private long hash = 17;

  /** Applies the entry at {@code lastApplied + 1}; the caller has checked the order. */
  void apply(LogEntry e) {
    lastApplied = e.index();
    hash = roll(hash, e);
    if (e.kind() == EntryKind.COMMAND) commands.put(e.index(), e.data());
  }

  static long roll(long h, LogEntry e) {
    h = h * 31 + e.index();
    h = h * 31 + e.term();
    h = h * 31 + e.kind().code();
    for (byte b : e.data()) h = h * 31 + b;
    return h;
  }

  long lastApplied() { return lastApplied; }
  long hash() { return hash; }
  byte[] commandAt(long index) { return commands.get(index); }
  Map<Long, byte[]> commands() { return commands; }

  byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(lastApplied);
      out.writeLong(hash);
      out.writeInt(commands.size());
      for (Map.Entry<Long, byte[]> c : commands.entrySet()) {
        out.writeLong(c.getKey());
        out.writeInt(c.getValue().length);
        out.write(c.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  void restore(byte[] snapshot) {
    commands.clear();
    if (snapshot.length == 0) {
      lastApplied = 0;
      hash = 17;
      return;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      lastApplied = in.readLong();
      hash = in.readLong();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        long index = in.readLong();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        commands.put(index, data);
      }
    } catch (IOException e) {
      throw new IllegalStateException("corrupt state machine snapshot (" + snapshot.length + " bytes)", e);
    }
  }
}
