package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.nemesis.ClusterStatus.Replica;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * State-triggered faults: instead of striking on a timer, {@code :strike {:when W :fault F}} watches
 * the servers' {@code /status} (every 20 ms, for up to {@code watch} ms) until the cluster is in
 * state W, then applies F ({@code :kill} or {@code :pause}) to the host involved — because the rare
 * states are where the bugs live:
 * <ul>
 *   <li>{@code :election}: some server is a (pre-)candidate; strike its host;</li>
 *   <li>{@code :migration}: some group holds a shard in PULLING, BEPULLING or GCING (a shard is
 *       moving between groups); strike that server's host, its group's leader preferred. The nemesis runs
 *       one op at a time, so no reconfiguration can start while a strike waits: if no shard is
 *       moving, the strike first moves a random shard to another group itself ({@code :provoked})
 *       and then waits for the migration that causes;</li>
 *   <li>{@code :snapshot}: some leader is sending its snapshot to a follower ({@code snapshot_peers});
 *       strike the receiving follower's host (this happens when a follower restarted after the
 *       leader compacted its log past it, e.g. under the kill nemesis, and small
 *       {@code snapshot-bytes}).</li>
 * </ul>
 * The completion records what was seen and hit, or {@code :saw nil} when the state did not occur in
 * time. {@code :recover} resumes and restarts every host struck.
 */
public final class TriggerNemesis implements Nemesis {
  /** The states a generator picks from. */
  public static final List<String> STATES = List.of("election", "migration", "snapshot");

  private final NemesisContext ctx;
  private final long watchMillis;
  private final Set<String> struck = new TreeSet<>();
  private final java.util.Random rnd;
  private io.shardkv.driver.client.ShardKvClient admin;

  public TriggerNemesis(NemesisContext ctx, long watchMillis) {
    this.ctx = ctx;
    this.watchMillis = watchMillis;
    this.rnd = ctx.random("trigger");
  }

  /** Moves a random shard to another joined group; returns what it did, or why not. */
  private Object provokeMigration() {
    try {
      if (admin == null) {
        admin = ReconfigNemesis.adminClient(ctx);
      }
      io.shardkv.driver.protocol.Configuration cfg = admin.query(-1);
      int[] owners = cfg.shardToGroup();
      List<Integer> gids = new ArrayList<>(cfg.groups().keySet());
      if (gids.size() < 2) {
        return "fewer than two groups joined: no shard can move";
      }
      int shard = rnd.nextInt(owners.length);
      List<Integer> others = new ArrayList<>(gids);
      others.remove(Integer.valueOf(owners[shard]));
      int gid = others.get(rnd.nextInt(others.size()));
      admin.move(shard, gid);
      return Edn.map("shard", shard, "gid", gid);
    } catch (io.shardkv.driver.client.KvException e) {
      return "move-shard failed: " + e.getMessage();
    }
  }

  @Override
  public Set<String> fs() {
    return Set.of("strike", "recover");
  }

  /** The host to strike and what was seen there, or null when {@code replicas} are not in state {@code when}. */
  static String[] match(String when, List<Replica> replicas) {
    switch (when) {
      case "election" -> {
        for (Replica r : replicas) {
          if (r.campaigning()) {
            return new String[] {r.host(), r.toString()};
          }
        }
      }
      case "migration" -> {
        Replica best = null;
        for (Replica r : replicas) {
          if (r.migrating() && (best == null || (r.leader() && !best.leader()))) {
            best = r;
          }
        }
        if (best != null) {
          return new String[] {best.host(), best.toString()};
        }
      }
      case "snapshot" -> {
        for (Replica r : replicas) {
          for (int peer : r.snapshotPeers()) {
            String host = ClusterStatus.hostOf(replicas, peer);
            if (host != null) {
              return new String[] {host, r + " sending its snapshot to node " + peer};
            }
          }
        }
      }
      default -> throw new IllegalArgumentException("unknown trigger state :" + when + " (known: " + STATES + ")");
    }
    return null;
  }

  @Override
  public Op invoke(Op op) {
    if (op.f().equals("recover")) {
      List<String> hosts = new ArrayList<>(struck);
      NemesisContext.onNodes(hosts, n -> {
        ctx.db().resume(n);
        ctx.db().start(n);
      });
      struck.clear();
      return op.withValue(hosts);
    }
    Map<?, ?> v = (Map<?, ?>) op.value();
    String when = String.valueOf(v.get(Edn.kw("when"))).replaceFirst("^:", "");
    String fault = String.valueOf(v.get(Edn.kw("fault"))).replaceFirst("^:", "");
    long deadline = System.nanoTime() + watchMillis * 1_000_000;
    Object provoked = null;
    if (when.equals("migration") && match(when, ctx.status().poll()) == null) {
      provoked = provokeMigration();
    }
    while (System.nanoTime() < deadline) {
      String[] hit = match(when, ctx.status().poll());
      if (hit != null) {
        if (fault.equals("kill")) {
          ctx.db().kill(hit[0]);
        } else {
          ctx.db().pause(hit[0]);
        }
        struck.add(hit[0]);
        ctx.log().accept("nemesis: strike on " + when + ": " + fault + " " + hit[0] + " (saw " + hit[1] + ")");
        Op done = op.withValue(Edn.map("when", Edn.kw(when), "fault", Edn.kw(fault), "node", hit[0], "saw", hit[1]));
        return provoked == null ? done : done.with("provoked", provoked);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    ctx.log().accept("nemesis: strike on " + when + ": state not seen within " + watchMillis + " ms");
    Op none = op.withValue(Edn.map("when", Edn.kw(when), "fault", Edn.kw(fault), "node", null, "saw", null));
    return provoked == null ? none : none.with("provoked", provoked);
  }

  @Override
  public void teardown() {
    if (admin != null) {
      admin.close();
    }
    List<String> hosts = new ArrayList<>(struck);
    NemesisContext.onNodes(hosts, n -> {
      ctx.db().resume(n);
      ctx.db().start(n);
    });
    struck.clear();
  }
}
