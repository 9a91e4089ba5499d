package io.shardkv.server.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvData;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.kv.KvStateMachine;
import io.shardkv.server.configcenter.ConfigCenterCodec;
import io.shardkv.server.configcenter.ConfigCenterCommand;
import io.shardkv.server.configcenter.ConfigCenterOp;
import io.shardkv.server.configcenter.ConfigCenterResult;
import io.shardkv.server.configcenter.ConfigCenterStateMachine;
import io.shardkv.server.shardkv.MigrationPlanner;
import io.shardkv.server.shardkv.MigrationRpc;
import io.shardkv.server.shardkv.ShardKvCodec;
import io.shardkv.server.shardkv.ShardKvCommand;
import io.shardkv.server.shardkv.ShardKvStateMachine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every decoder, fed random bytes, truncated encodings and mutated encodings, either decodes or
 * throws {@link DecodeException} — never another exception, never an OutOfMemoryError — and every
 * state machine answers garbage commands with BAD_REQUEST.
 */
class CodecFuzzTest {
  private static final int ROUNDS = 20_000;

  private static List<byte[]> validKvCommands() {
    return List.of(
        KvCodec.encodeCommand(new KvCommand(1, 2, new KvOp.Get("k"))),
        KvCodec.encodeCommand(new KvCommand(-5, Long.MAX_VALUE, new KvOp.Put("ключ", "значение"))),
        KvCodec.encodeCommand(new KvCommand(3, 4, new KvOp.Append("k", "𝄞"))),
        KvCodec.encodeCommand(new KvCommand(3, 5, new KvOp.Cas("k", null, "v"))),
        KvCodec.encodeCommand(new KvCommand(3, 6, new KvOp.Cas("k", "e", "v"))),
        KvCodec.encodeCommand(new KvCommand(3, 7, new KvOp.Delete(""))));
  }

  private static List<byte[]> validConfigCenterCommands() {
    return List.of(
        ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(1, 1, new ConfigCenterOp.Join(Map.of(1, List.of("a", "b"),
            7, List.of("c"))))),
        ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(1, 2, new ConfigCenterOp.Leave(List.of(1, 7)))),
        ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(1, 3, new ConfigCenterOp.Move(3, 7))),
        ConfigCenterCodec.encodeCommand(new ConfigCenterCommand(1, 4, new ConfigCenterOp.Query(-1))));
  }

  private static List<byte[]> validShardKvCommands() {
    ConfigCenterStateMachine c = new ConfigCenterStateMachine(8);
    c.execute(new ConfigCenterCommand(1, 1, new ConfigCenterOp.Join(Map.of(1, List.of("a"), 2, List.of("b")))));
    KvData d = new KvData();
    d.execute(new KvCommand(4, 1, new KvOp.Put("x", "y")));
    return List.of(
        ShardKvCodec.encode(new ShardKvCommand.ClientOp(new KvCommand(1, 1, new KvOp.Put("k", "v")))),
        ShardKvCodec.encode(new ShardKvCommand.NewConfig(c.latest())),
        ShardKvCodec.encode(new ShardKvCommand.InstallShard(1, 3, d)),
        ShardKvCodec.encode(new ShardKvCommand.DeleteShard(1, 3)),
        ShardKvCodec.encode(new ShardKvCommand.ShardGcDone(1, 3)));
  }

  /** Feeds random, truncated and mutated inputs to {@code decoder}; returns how many decoded. */
  private static int fuzz(String name, List<byte[]> valid, Function<byte[], ?> decoder, long seed) {
    Random rnd = new Random(seed);
    for (byte[] v : valid) {
      decoder.apply(v); // the valid inputs themselves decode
      for (int len = 0; len < v.length; len++) {
        byte[] cut = Arrays.copyOf(v, len);
        assertThrows(DecodeException.class, () -> decoder.apply(cut), name + " truncated to " + len);
      }
      byte[] longer = Arrays.copyOf(v, v.length + 1);
      assertThrows(DecodeException.class, () -> decoder.apply(longer), name + " + trailing byte");
    }
    int decoded = 0;
    for (int i = 0; i < ROUNDS; i++) {
      byte[] input;
      if (i % 2 == 0) {
        input = new byte[rnd.nextInt(48)];
        rnd.nextBytes(input);
        if (input.length > 0 && rnd.nextBoolean()) {
          input[0] = 1; // a valid version byte gets the fuzzer past the first check
        }
      } else {
        byte[] v = valid.get(rnd.nextInt(valid.size()));
        input = v.clone();
        int flips = 1 + rnd.nextInt(3);
        for (int f = 0; f < flips; f++) {
          int at = rnd.nextInt(input.length);
          input[at] = rnd.nextInt(4) == 0 ? (byte) 0x7f : (byte) rnd.nextInt(256);
        }
      }
      try {
        decoder.apply(input);
        decoded++;
      } catch (DecodeException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
      } catch (RuntimeException | OutOfMemoryError e) {
        fail(name + " threw " + e + " for " + Arrays.toString(input), e);
      }
    }
    return decoded;
  }

  @Test
  void kvCommandDecoderRejectsMalformedInputCleanly() {
    fuzz("KV command", validKvCommands(), KvCodec::decodeCommand, 1);
  }

  @Test
  void kvResultDecoderRejectsMalformedInputCleanly() {
    fuzz("KV result", List.of(KvCodec.encodeResult(new KvResult(Status.OK, "v")),
        KvCodec.encodeResult(KvResult.of(Status.WRONG_GROUP))), KvCodec::decodeResult, 2);
  }

  @Test
  void configCenterDecodersRejectMalformedInputCleanly() {
    fuzz("config-center command", validConfigCenterCommands(), ConfigCenterCodec::decodeCommand, 3);
    ConfigCenterStateMachine c = new ConfigCenterStateMachine(4);
    c.execute(new ConfigCenterCommand(1, 1, new ConfigCenterOp.Join(Map.of(1, List.of("a")))));
    fuzz("config-center result", List.of(ConfigCenterCodec.encodeResult(new ConfigCenterResult(Status.OK, c.latest(), null)),
        ConfigCenterCodec.encodeResult(ConfigCenterResult.bad("why"))), ConfigCenterCodec::decodeResult, 4);
    fuzz("config", List.of(c.latest().encode()), ShardConfig::decode, 5);
  }

  @Test
  void shardGroupCommandDecoderRejectsMalformedInputCleanly() {
    fuzz("shard-group command", validShardKvCommands(), ShardKvCodec::decode, 6);
  }

  @Test
  void migrationMessageDecoderRejectsMalformedInputCleanly() {
    KvData d = new KvData();
    d.execute(new KvCommand(4, 1, new KvOp.Append("x", "y")));
    fuzz("migration message", List.of(
        MigrationRpc.encode(new MigrationRpc.PullRequest(3, 2)),
        MigrationRpc.encode(new MigrationRpc.PullReply(3, 2, new MigrationPlanner.ShardExport(
            MigrationPlanner.ExportStatus.READY, d))),
        MigrationRpc.encode(new MigrationRpc.DeleteReply(3, 2, true))), MigrationRpc::decode, 7);
  }

  @Test
  void hugeLengthAndCountFieldsAreRejectedWithoutAllocating() {
    byte[] hugeKey = {1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, -1, -1, -1};
    DecodeException e = assertThrows(DecodeException.class, () -> KvCodec.decodeCommand(hugeKey));
    assertTrue(e.getMessage().contains("key"), e.getMessage());
    byte[] hugeJoin = {1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, -1, -1, -1};
    assertThrows(DecodeException.class, () -> ConfigCenterCodec.decodeCommand(hugeJoin));
    byte[] hugeShards = {0, 0, 0, 1, 0x7f, -1, -1, -1};
    assertThrows(DecodeException.class, () -> ShardConfig.decode(hugeShards));
  }

  @Test
  void keyLongerThanTheLimitIsRejectedNamingTheLimit() {
    String longKey = "x".repeat(KvCodec.MAX_KEY_BYTES + 1);
    byte[] bytes = KvCodec.encodeCommand(new KvCommand(1, 1, new KvOp.Get(longKey)));
    DecodeException e = assertThrows(DecodeException.class, () -> KvCodec.decodeCommand(bytes));
    assertTrue(e.getMessage().contains("limit is " + KvCodec.MAX_KEY_BYTES), e.getMessage());
    String okKey = "x".repeat(KvCodec.MAX_KEY_BYTES);
    assertEquals(okKey, ((KvOp.Get) KvCodec.decodeCommand(KvCodec.encodeCommand(
        new KvCommand(1, 1, new KvOp.Get(okKey)))).op()).key());
  }

  @Test
  void unknownVersionIsRejectedWithAMessageSayingWhatToDo() {
    byte[] v = validKvCommands().get(0).clone();
    v[0] = 3; // 1 = plain, 2 = stamped by its leader (session expiry); 3 is unknown
    DecodeException e = assertThrows(DecodeException.class, () -> KvCodec.decodeCommand(v));
    assertTrue(e.getMessage().contains("version 3"), e.getMessage());
    assertTrue(e.getMessage().contains("upgrade"), e.getMessage());
  }

  @Test
  void everyStateMachineAnswersGarbageCommandsWithBadRequestAndNeverThrows() {
    Random rnd = new Random(9);
    KvStateMachine kv = new KvStateMachine();
    ConfigCenterStateMachine center = new ConfigCenterStateMachine(8);
    ShardKvStateMachine group = new ShardKvStateMachine(1, 8);
    List<byte[]> seeds = new ArrayList<>(validKvCommands());
    seeds.addAll(validConfigCenterCommands());
    seeds.addAll(validShardKvCommands());
    long index = 0;
    int bad = 0;
    // Fewer rounds here: every mutated join that decodes adds groups and a config to the history.
    int rounds = ROUNDS / 4;
    for (int i = 0; i < rounds; i++) {
      byte[] input = seeds.get(rnd.nextInt(seeds.size())).clone();
      input[rnd.nextInt(input.length)] ^= (byte) (1 + rnd.nextInt(255));
      index++;
      Status a = KvCodec.decodeResult(kv.apply(index, input)).status();
      Status b = ConfigCenterCodec.decodeResult(center.apply(index, input)).status();
      Status c = KvCodec.decodeResult(group.apply(index, input)).status();
      bad += (a == Status.BAD_REQUEST ? 1 : 0) + (b == Status.BAD_REQUEST ? 1 : 0)
          + (c == Status.BAD_REQUEST ? 1 : 0);
      group.checkInvariants();
    }
    assertTrue(bad > rounds, "most mutated commands are rejected: " + bad);
    assertEquals(index, group.lastAppliedIndex());
  }

  @Test
  void snapshotRestoreRejectsTruncatedAndMutatedSnapshotsCleanly() {
    ConfigCenterStateMachine center = new ConfigCenterStateMachine(8);
    center.apply(1, validConfigCenterCommands().get(0));
    ShardKvStateMachine group = new ShardKvStateMachine(1, 8);
    group.apply(1, ShardKvCodec.encode(new ShardKvCommand.NewConfig(center.latest())));
    group.apply(2, validShardKvCommands().get(0));
    KvStateMachine kv = new KvStateMachine();
    kv.apply(1, validKvCommands().get(1));
    fuzz("config-center snapshot", List.of(center.takeSnapshot()), s -> {
      new ConfigCenterStateMachine(8).restoreSnapshot(s);
      return null;
    }, 10);
    fuzz("group snapshot", List.of(group.takeSnapshot()), s -> {
      new ShardKvStateMachine(1, 8).restoreSnapshot(s);
      return null;
    }, 11);
    fuzz("kv snapshot", List.of(kv.takeSnapshot()), s -> {
      new KvStateMachine().restoreSnapshot(s);
      return null;
    }, 12);
  }
}
