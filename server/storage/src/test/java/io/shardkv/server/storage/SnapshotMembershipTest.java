package io.shardkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.server.raft.HardState;
import io.shardkv.server.raft.Membership;
import io.shardkv.server.raft.PersistedState;
import io.shardkv.server.raft.SnapshotMeta;
import io.shardkv.server.raft.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot's configuration (Raft thesis §4) is stored in its file: version 2 when it records one,
 * version 1 (the format every earlier build wrote and reads) when it is the seed configuration.
 */
class SnapshotMembershipTest {
  @TempDir Path tmp;

  private static final Membership MEMBERS = new Membership(List.of(1, 2, 4), List.of(5));

  private Path snapshotFile(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".snap")).findFirst().orElseThrow();
    }
  }

  private PersistedState writeAndReload(Path dir, SnapshotMeta meta) {
    FileRaftStorage s = TestDirs.open(dir, 1 << 20);
    s.load();
    s.setHardState(new HardState(3, HardState.NO_VOTE));
    s.saveSnapshot(meta, new byte[] {1, 2, 3});
    s.flush();
    s.close();
    FileRaftStorage again = TestDirs.open(dir, 1 << 20);
    PersistedState state = again.load();
    again.close();
    return state;
  }

  @Test
  void aSnapshotWithAConfigurationIsWrittenAsVersion2AndReadBack() throws Exception {
    Path dir = tmp.resolve("a");
    PersistedState state = writeAndReload(dir, new SnapshotMeta(7, 3, MEMBERS));
    assertEquals(MEMBERS, state.snapshot().membership());
    assertEquals(7, state.snapshot().lastIndex());
    assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), List.of(state.snapshotData()[0], state.snapshotData()[1], state.snapshotData()[2]));
    byte[] file = Files.readAllBytes(snapshotFile(dir));
    assertEquals(2, ((file[4] & 0xff) << 8) | (file[5] & 0xff));
  }

  /** Issue 16: a configuration carrying addresses (membership encoding 2) is stored and read back whole. */
  @Test
  void aConfigurationCarryingAddressesIsStoredAndReadBack() throws Exception {
    Membership withAddress = new Membership(List.of(1, 2, 4), List.of(5), new java.util.TreeMap<>(java.util.Map.of(5,
        new Membership.Address("10.0.0.5:7000", "10.0.0.5:8000"))));
    PersistedState state = writeAndReload(tmp.resolve("d"), new SnapshotMeta(7, 3, withAddress));
    assertEquals(withAddress, state.snapshot().membership());
    assertEquals("10.0.0.5:8000", state.snapshot().membership().address(5).admin());
  }

  @Test
  void aSnapshotOfTheSeedConfigurationStaysVersion1() throws Exception {
    Path dir = tmp.resolve("b");
    PersistedState state = writeAndReload(dir, new SnapshotMeta(7, 3));
    assertNull(state.snapshot().membership());
    byte[] file = Files.readAllBytes(snapshotFile(dir));
    assertEquals(1, ((file[4] & 0xff) << 8) | (file[5] & 0xff));
    assertEquals(42 + 3, file.length, "version 1 layout: 42-byte header, then the data");
  }

  @Test
  void aFlippedBitInTheStoredConfigurationIsDetected() throws Exception {
    Path dir = tmp.resolve("c");
    writeAndReload(dir, new SnapshotMeta(7, 3, MEMBERS));
    Path f = snapshotFile(dir);
    byte[] file = Files.readAllBytes(f);
    file[46 + 4] ^= 1; // inside the membership (after its version byte and voter count)
    Files.write(f, file);
    StorageException e = assertThrows(StorageException.class, () -> TestDirs.open(dir, 1 << 20).load());
    assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
  }
}
