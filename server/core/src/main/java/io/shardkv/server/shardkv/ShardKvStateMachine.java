package io.shardkv.server.shardkv;

import io.shardkv.driver.routing.BinaryReader;
import io.shardkv.driver.routing.BinaryWriter;
import io.shardkv.driver.routing.DecodeException;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvData;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.kv.DedupTable;
import io.shardkv.server.kv.SessionClock;
import io.shardkv.server.statemachine.AppliedIndex;
import io.shardkv.server.statemachine.ReplicatedStateMachine;

/**
 * The replicated state of one sharded replica group (gid): its current and previous configuration
 * and, per shard, a {@link ShardState} with the shard's {@link KvData} (values + dedup records).
 *
 * <h2>Invariants (checked by {@link #checkInvariants()}, and on every snapshot restore)</h2>
 * <ul>
 *   <li>SERVING, PULLING, GCING ⇒ the shard is owned by this gid in the current config;
 *       BEPULLING ⇒ owned by this gid in the previous config and by another group in the current.</li>
 *   <li>A shard owned by this gid in the current config is held (never absent).</li>
 *   <li>Data is held iff the state is SERVING, BEPULLING or GCING.</li>
 *   <li>The config advances only when every held shard is SERVING (no migration in flight), so a
 *       group is at most one configuration ahead of what its shards' movements require.</li>
 * </ul>
 * Storage is bounded: every shard's data is held by at most one group in SERVING/GCING (the owner)
 * plus, during one migration, the previous owner in BEPULLING, which deletes it on DeleteShard.
 *
 * <p>Client sessions expire by the log's clock ({@link SessionClock}): a client-op stamped by its
 * leader advances the clock and expires idle sessions in every shard this group serves (shards
 * being handed off stay frozen as exported) before it executes. Every replica must make the same
 * expiry decision from the log alone (Raft thesis §6.3): what expires is a function of the applied
 * commands only — never of a replica's wall clock, of when it restarted or of cached state. The
 * walk over the shards is skipped when it cannot change anything (see {@link #expireSessions}),
 * which gives the same answers as walking every time.
 *
 * <p>Snapshot: u8 version=1, u8 kind='S', i64 lastApplied, i32 gid, i32 shardCount, current config,
 * previous config, then per shard u8 state code (0 = absent) and, if it holds data, the KV data.
 * Once the session clock has advanced: u8 version=2 and an i64 logTime right after lastApplied.
 */
public final class ShardKvStateMachine implements ReplicatedStateMachine {
  private static final int SNAPSHOT_KIND = 'S';

  private final int gid;
  private final int shardCount;
  private final AppliedIndex applied = new AppliedIndex();
  private final SessionClock clock = new SessionClock();
  private ShardConfig current;
  private ShardConfig previous;
  private ShardState[] states;
  private KvData[] data;
  /**
   * Next-deadline cache of {@link #expireSessions}. When {@code expiryBoundsKnown}: every live
   * session in a shard whose sessions expire (held, not BEPULLING) was last active at log time
   * {@code >= oldestLive}, and every tombstone there at {@code >= oldestTombstone}. Lower bounds
   * only (they may be older than the truth), so a skip is always exact. Not part of the replicated
   * state (not in snapshots): it is reset by every command other than a client-op and by a restore,
   * and rebuilt by the next full walk.
   */
  private boolean expiryBoundsKnown;
  private long oldestLive;
  private long oldestTombstone;
  /** Commands other than client-ops applied, plus snapshots restored: a change signal for observers. */
  private long layoutChanges;

  public ShardKvStateMachine(int gid, int shardCount) {
    if (gid <= 0) {
      throw new IllegalArgumentException("gid must be positive (0 means no group), got " + gid);
    }
    this.gid = gid;
    this.shardCount = shardCount;
    this.current = ShardConfig.initial(shardCount);
    this.previous = current;
    this.states = new ShardState[shardCount];
    this.data = new KvData[shardCount];
  }

  @Override
  public byte[] apply(long index, byte[] command) {
    applied.advanceTo(index);
    ShardKvCommand cmd;
    try {
      cmd = ShardKvCodec.decode(command);
    } catch (DecodeException e) {
      return KvCodec.encodeResult(new KvResult(Status.BAD_REQUEST, e.getMessage()));
    }
    return KvCodec.encodeResult(execute(cmd));
  }

  /** Executes one decoded command. One handler per command kind. */
  public KvResult execute(ShardKvCommand cmd) {
    if (cmd instanceof ShardKvCommand.ClientOp c) {
      return onClientOp(c.command(), c.stamp());
    }
    // Configs, installs, deletes and GC change which shards hold which tables: walk again next time.
    expiryBoundsKnown = false;
    layoutChanges++;
    if (cmd instanceof ShardKvCommand.NewConfig c) {
      return onNewConfig(c.config());
    } else if (cmd instanceof ShardKvCommand.InstallShard c) {
      return onInstallShard(c.configNum(), c.shard(), c.data());
    } else if (cmd instanceof ShardKvCommand.DeleteShard c) {
      return onDeleteShard(c.configNum(), c.shard());
    } else if (cmd instanceof ShardKvCommand.ShardGcDone c) {
      return onShardGcDone(c.configNum(), c.shard());
    }
    throw new IllegalArgumentException("unknown command " + cmd);
  }

  private KvResult onClientOp(KvCommand command, SessionClock.Stamp stamp) {
    if (stamp != null) {
      expireSessions(clock.advance(stamp), stamp.idleMillis());
    }
    int shard = current.shardOfKey(command.op().key());
    if (!servesShard(shard)) {
      return KvResult.of(Status.WRONG_GROUP);
    }
    KvResult result = data[shard].execute(command, clock.now());
    // A write records its client's activity at clock.now() and nothing older: the bounds stay bounds.
    oldestLive = Math.min(oldestLive, clock.now());
    return result;
  }

  /**
   * Expires, at log time {@code now}, the idle sessions of every shard whose sessions expire: the
   * same as calling {@link DedupTable#expire} on each, which changes nothing in a table whose live
   * sessions are all active at or after the live cutoff and whose tombstones at or after the
   * tombstone cutoff. The bounds (field comment) say when that holds for every table at once, so a
   * client-op costs O(1) here until the log clock passes the next possible expiry; then one walk
   * expires what is due and recomputes the bounds from the tables.
   */
  private void expireSessions(long now, long idleMillis) {
    if (idleMillis <= 0) {
      return; // DedupTable.expire expires nothing then
    }
    long liveCutoff = now - idleMillis; // the cutoffs exactly as DedupTable.expire computes them
    long tombstoneCutoff = liveCutoff - idleMillis;
    if (expiryBoundsKnown && oldestLive >= liveCutoff && oldestTombstone >= tombstoneCutoff) {
      return;
    }
    long live = Long.MAX_VALUE;
    long tombstones = Long.MAX_VALUE;
    for (int s = 0; s < shardCount; s++) {
      if (data[s] != null && states[s] != ShardState.BEPULLING) {
        DedupTable t = data[s].dedup();
        t.expire(now, idleMillis);
        live = Math.min(live, t.oldestLiveActivityBound());
        tombstones = Math.min(tombstones, t.oldestTombstoneActivityBound());
      }
    }
    oldestLive = live;
    oldestTombstone = tombstones;
    expiryBoundsKnown = true;
  }

  /**
   * Grows whenever the configuration or a shard's state may have changed (every command other than
   * a client-op, every snapshot restore): the hosting layer refreshes its status view at once when
   * it moves and at a lower rate otherwise. Observation only: not replicated state, not in snapshots.
   */
  public long layoutChanges() {
    return layoutChanges;
  }

  /** Log time of the session clock (0 before the first stamped client-op). */
  public long logTime() {
    return clock.now();
  }

  /** Dedup entries across held shards (live sessions and tombstones of expired ones). */
  public DedupTable.Counts sessionCounts() {
    long live = 0;
    long expired = 0;
    for (KvData d : data) {
      if (d != null) {
        live += d.dedup().liveSessions();
        expired += d.dedup().expiredSessions();
      }
    }
    return new DedupTable.Counts(live, expired);
  }

  private KvResult onNewConfig(ShardConfig next) {
    if (next.shardCount() != shardCount) {
      return rejected("config " + next.num() + " has " + next.shardCount() + " shards, this group "
          + shardCount);
    }
    if (next.num() != current.num() + 1) {
      return rejected("config " + next.num() + " is not the next one (at " + current.num() + ")");
    }
    for (int s = 0; s < shardCount; s++) {
      if (states[s] != null && states[s] != ShardState.SERVING) {
        return rejected("shard " + s + " is " + states[s] + " for config " + current.num());
      }
    }
    for (int s = 0; s < shardCount; s++) {
      boolean mineNow = current.ownerOf(s) == gid;
      boolean mineNext = next.ownerOf(s) == gid;
      if (mineNow && !mineNext) {
        if (next.ownerOf(s) == 0) {
          // No group will own the shard (every group left): nobody can pull it, so it is dropped.
          states[s] = null;
          data[s] = null;
        } else {
          states[s] = ShardState.BEPULLING;
        }
      } else if (!mineNow && mineNext) {
        if (current.ownerOf(s) == 0) {
          states[s] = ShardState.SERVING;
          data[s] = new KvData();
        } else {
          states[s] = ShardState.PULLING;
        }
      }
    }
    previous = current;
    current = next;
    return KvResult.of(Status.OK);
  }

  private KvResult onInstallShard(int configNum, int shard, KvData shardData) {
    if (!validShard(shard)) {
      return rejected("no shard " + shard);
    }
    if (configNum != current.num() || states[shard] != ShardState.PULLING) {
      return rejected("install of shard " + shard + " for config " + configNum + " ignored: at config "
          + current.num() + ", shard " + describe(shard));
    }
    states[shard] = ShardState.GCING;
    data[shard] = shardData.copy();
    return KvResult.of(Status.OK);
  }

  private KvResult onDeleteShard(int configNum, int shard) {
    if (!validShard(shard)) {
      return rejected("no shard " + shard);
    }
    if (configNum == current.num() && states[shard] == ShardState.BEPULLING) {
      states[shard] = null;
      data[shard] = null;
      return KvResult.of(Status.OK);
    }
    if (configNum <= current.num()) {
      return KvResult.of(Status.OK); // already deleted: the answer the new owner needs is the same
    }
    return rejected("delete of shard " + shard + " for future config " + configNum + " (at "
        + current.num() + ")");
  }

  private KvResult onShardGcDone(int configNum, int shard) {
    if (!validShard(shard)) {
      return rejected("no shard " + shard);
    }
    if (configNum == current.num() && states[shard] == ShardState.GCING) {
      states[shard] = ShardState.SERVING;
      return KvResult.of(Status.OK);
    }
    return rejected("gc-done of shard " + shard + " for config " + configNum + " ignored: at config "
        + current.num() + ", shard " + describe(shard));
  }

  private static KvResult rejected(String why) {
    return new KvResult(Status.REJECTED, why);
  }

  private boolean validShard(int shard) {
    return shard >= 0 && shard < shardCount;
  }

  private String describe(int shard) {
    return states[shard] == null ? "absent" : states[shard].name();
  }

  /** True if client operations on {@code shard} execute here now. */
  public boolean servesShard(int shard) {
    return current.ownerOf(shard) == gid && states[shard] != null && states[shard].serves();
  }

  /** A read served outside the log (after ReadIndex): the value, NOT_FOUND, or WRONG_GROUP. */
  public KvResult read(String key) {
    int shard = current.shardOfKey(key);
    if (!servesShard(shard)) {
      return KvResult.of(Status.WRONG_GROUP);
    }
    String v = data[shard].get(key);
    return v == null ? KvResult.of(Status.NOT_FOUND) : new KvResult(Status.OK, v);
  }

  /**
   * A scan page served outside the log (after ReadIndex, like {@link #read}): the shard's page, or
   * WRONG_GROUP if this group does not serve the shard now (not owned, still PULLING, or handed
   * off), or BAD_REQUEST for a shard number the cluster does not have.
   */
  public ShardScan.Page scan(ShardScan.Query q) {
    if (!validShard(q.shard())) {
      return ShardScan.Page.of(Status.BAD_REQUEST, "no shard " + q.shard() + ": the cluster has shards 0.."
          + (shardCount - 1));
    }
    if (!servesShard(q.shard())) {
      return ShardScan.Page.of(Status.WRONG_GROUP, null);
    }
    return ShardScan.page(data[q.shard()], q);
  }

  public int gid() {
    return gid;
  }

  public int shardCount() {
    return shardCount;
  }

  public ShardConfig currentConfig() {
    return current;
  }

  public ShardConfig previousConfig() {
    return previous;
  }

  /** The state of {@code shard}, or null if this group holds nothing for it. */
  public ShardState stateOf(int shard) {
    return states[shard];
  }

  /** The shard's data if held (SERVING, GCING, BEPULLING), else null. Callers must not mutate it. */
  KvData dataOf(int shard) {
    return data[shard];
  }

  /** How many shards this group holds data for (the storage bound of challenge 1). */
  public int heldShardCount() {
    int n = 0;
    for (KvData d : data) {
      n += d == null ? 0 : 1;
    }
    return n;
  }

  /** How many keys this group holds for {@code shard} (0 when it holds no data for it). */
  public int keyCountOf(int shard) {
    return data[shard] == null ? 0 : data[shard].keyCount();
  }

  /** The UTF-8 size of {@code shard}'s keys and values held here ({@link KvData#byteSize}; 0 when none). */
  public long byteSizeOf(int shard) {
    return data[shard] == null ? 0 : data[shard].byteSize();
  }

  /** How many keys this group stores across all held shards. */
  public int storedKeyCount() {
    int n = 0;
    for (KvData d : data) {
      n += d == null ? 0 : d.keyCount();
    }
    return n;
  }

  /**
   * One line for the app-layer trace: applied index, config number and the per-shard state map,
   * one character per shard in shard order: S serving, P pulling, B handing off (bepulling),
   * G serving but awaiting GC confirmation, '-' not held. The caller prefixes time and node.
   */
  public String traceSummary() {
    StringBuilder map = new StringBuilder(shardCount);
    for (ShardState st : states) {
      map.append(st == null ? '-' : switch (st) {
        case SERVING -> 'S';
        case PULLING -> 'P';
        case BEPULLING -> 'B';
        case GCING -> 'G';
      });
    }
    return "gid=" + gid + " applied=" + applied.get() + " config=" + current.num() + " shards="
        + map;
  }

  /** Throws IllegalStateException naming the first violated invariant (see class javadoc). */
  public void checkInvariants() {
    for (int s = 0; s < shardCount; s++) {
      ShardState st = states[s];
      boolean ownedNow = current.ownerOf(s) == gid;
      if (st == null) {
        check(!ownedNow, s, "owned in config " + current.num() + " but absent");
        check(data[s] == null, s, "absent but holds data");
        continue;
      }
      check(st.holdsData() == (data[s] != null), s, st + " with data " + (data[s] != null));
      if (st == ShardState.BEPULLING) {
        check(!ownedNow && previous.ownerOf(s) == gid && current.ownerOf(s) != 0, s,
            "BEPULLING but not handed from this group to another");
      } else {
        check(ownedNow, s, st + " but not owned in config " + current.num());
      }
    }
  }

  private static void check(boolean ok, int shard, String what) {
    if (!ok) {
      throw new IllegalStateException("shard " + shard + ": " + what);
    }
  }

  @Override
  public long lastAppliedIndex() {
    return applied.get();
  }

  @Override
  public byte[] takeSnapshot() {
    BinaryWriter w = new BinaryWriter(1024);
    boolean clocked = clock.now() != 0;
    w.writeByte(clocked ? KvCodec.STAMPED_VERSION : KvCodec.VERSION).writeByte(SNAPSHOT_KIND).writeLong(applied.get());
    if (clocked) {
      w.writeLong(clock.now());
    }
    w.writeInt(gid).writeInt(shardCount);
    current.encodeTo(w);
    previous.encodeTo(w);
    for (int s = 0; s < shardCount; s++) {
      w.writeByte(states[s] == null ? 0 : states[s].code());
      if (data[s] != null) {
        data[s].encodeTo(w);
      }
    }
    return w.toByteArray();
  }

  @Override
  public void restoreSnapshot(byte[] snapshot) {
    BinaryReader r = new BinaryReader(snapshot);
    int version = r.readByte("shard-group snapshot version");
    if (version != KvCodec.VERSION && version != KvCodec.STAMPED_VERSION) {
      throw new DecodeException("unsupported shard-group snapshot version " + version + " (this build reads 1 and 2)");
    }
    int kind = r.readByte("snapshot kind");
    if (kind != SNAPSHOT_KIND) {
      throw new DecodeException("not a shard-group snapshot: kind byte " + kind);
    }
    long index = r.readLong("last applied index");
    long logTime = version == KvCodec.STAMPED_VERSION ? r.readLong("session log time") : 0;
    int snapGid = r.readInt("gid");
    int snapShards = r.readInt("shard count");
    if (index < 0 || snapGid != gid || snapShards != shardCount) {
      throw new DecodeException("snapshot of gid " + snapGid + " with " + snapShards
          + " shards at index " + index + " cannot restore gid " + gid + " with " + shardCount
          + " shards");
    }
    ShardConfig cur = ShardConfig.decodeFrom(r);
    ShardConfig prev = ShardConfig.decodeFrom(r);
    if (cur.shardCount() != shardCount || prev.shardCount() != shardCount) {
      throw new DecodeException("snapshot configs do not have " + shardCount + " shards");
    }
    ShardState[] st = new ShardState[shardCount];
    KvData[] d = new KvData[shardCount];
    for (int s = 0; s < shardCount; s++) {
      int code = r.readByte("state of shard " + s);
      st[s] = code == 0 ? null : ShardState.fromCode(code);
      if (st[s] != null && st[s].holdsData()) {
        d[s] = KvData.decodeFrom(r);
      }
    }
    r.expectEnd("shard-group snapshot");
    ShardConfig oldCur = current;
    ShardConfig oldPrev = previous;
    ShardState[] oldStates = states;
    KvData[] oldData = data;
    current = cur;
    previous = prev;
    states = st;
    data = d;
    try {
      checkInvariants();
    } catch (IllegalStateException e) {
      current = oldCur;
      previous = oldPrev;
      states = oldStates;
      data = oldData;
      throw new DecodeException("inconsistent shard-group snapshot: " + e.getMessage());
    }
    applied.restore(index);
    clock.restore(logTime);
    expiryBoundsKnown = false;
    layoutChanges++;
  }
}
