package io.shardkv.server.shardkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.routing.CallOutcome;
import io.shardkv.driver.routing.CallStep;
import io.shardkv.driver.routing.ClientCall;
import io.shardkv.driver.routing.RetryPolicy;
import io.shardkv.driver.routing.ShardRouter;
import io.shardkv.driver.routing.Status;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The client routing logic driving the group state machines through a lossy, delaying, duplicating
 * virtual network while groups join, leave and shards move, with leaders that change and servers
 * that answer TIMEOUT (before or after applying). Raft itself is stood in for by "the leader applies
 * at once". Every append carries a unique piece; at the end each piece must appear in the store
 * exactly once if its call COMPLETED, at most once if INDEFINITE, and never if FAILED.
 */
class RoutedClientsAgainstGroupsTest {
  private static final int SHARDS = 10;
  private static final int GROUPS = 3;
  private static final int CLIENTS = 5;
  private static final int KEYS = 8;
  private static final long RUN_MILLIS = 20_000;
  private static final RetryPolicy POLICY = new RetryPolicy(50, 1_500, 5, 100);

  private record Event(long time, long order, Runnable action) {}

  private final class World {
    final Random rnd;
    final MigrationWorld groups = new MigrationWorld(SHARDS, 1, 2, 3);
    final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time
        ? Long.compare(a.time, b.time) : Long.compare(a.order, b.order));
    final int[] leader = new int[GROUPS + 1];
    final TreeMap<String, CallOutcome.Kind> outcomes = new TreeMap<>();
    final java.util.TreeSet<Integer> live = new java.util.TreeSet<>();
    long now;
    long order;

    World(long seed) {
      rnd = new Random(seed);
    }

    void at(long time, Runnable r) {
      queue.add(new Event(time, order++, r));
    }

    boolean lost() {
      return rnd.nextInt(10) == 0;
    }

    long delay() {
      return 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 80 : 10);
    }

    /** What a server does with a delivered request: a Raft group's leader applies it at once. */
    KvResult serve(int gid, String server, long clientId, long seq, KvOp op) {
      String leaderName = "g" + gid + "-" + leader[gid];
      if (!server.equals(leaderName)) {
        return new KvResult(Status.WRONG_LEADER, rnd.nextInt(3) > 0 ? leaderName : null);
      }
      int fate = rnd.nextInt(20);
      if (fate == 0) {
        return KvResult.of(Status.TIMEOUT); // proposal lost with a leader change
      }
      KvResult r = groups.clientAt(gid, clientId, seq, op);
      return fate == 1 ? KvResult.of(Status.TIMEOUT) : r; // committed, but too late for the reply
    }

    final class Client {
      final int id;
      final ShardRouter router;
      ClientCall call;
      KvOp op;
      int n;

      Client(int id) {
        this.id = id;
        this.router = new ShardRouter(id, List.of("c0", "c1", "c2"), POLICY);
      }

      void startNext() {
        if (now >= RUN_MILLIS) {
          call = null;
          return;
        }
        n++;
        String piece = "<" + id + "." + n + ">";
        op = new KvOp.Append("key" + rnd.nextInt(KEYS), piece);
        call = router.startKeyOp(op.key(), true, now);
        drive(call);
      }

      void drive(ClientCall c) {
        if (c != call) {
          return; // a wake-up for a call that already finished
        }
        CallStep step = c.next(now);
        if (step instanceof CallStep.Send s) {
          long seq = c.seq();
          KvOp sent = op;
          int copies = rnd.nextInt(20) == 0 ? 2 : 1; // the network duplicates some requests
          for (int k = 0; k < copies; k++) {
            if (lost()) {
              continue;
            }
            at(now + delay(), () -> {
              KvResult r = serve(s.gid(), s.server(), id, seq, sent);
              if (!lost()) {
                at(now + delay(), () -> {
                  c.onReply(s.attempt(), r.status(), r.status() == Status.WRONG_LEADER ? r.value()
                      : null, KvCodec.encodeResult(r), now);
                  drive(c);
                });
              }
            });
          }
          at(s.replyDeadline(), () -> drive(c));
        } else if (step instanceof CallStep.FetchConfig) {
          at(now + delay(), () -> {
            c.onConfigFetched(lost() ? null : groups.configCenter.latest(), now);
            drive(c);
          });
        } else if (step instanceof CallStep.FetchMembers m) {
          // Out of leads: the asked server reports the group's servers (this world's membership never
          // changes); the ask or its answer may be lost, which the call hears as "none reported".
          at(now + delay(), () -> {
            List<String> members = lost() ? List.of()
                : groups.configCenter.latest().groups().getOrDefault(m.gid(), List.of());
            c.onMembersFetched(members, now);
            drive(c);
          });
        } else if (step instanceof CallStep.WaitUntil w) {
          at(w.wakeAt(), () -> drive(c));
        } else if (step instanceof CallStep.Finish f) {
          String piece = ((KvOp.Append) op).value();
          outcomes.put(piece, f.outcome().kind());
          startNext();
        }
        // AwaitReply: a reply or the deadline wake-up is already scheduled.
      }
    }

    void reconfigure() {
      int g = 1 + rnd.nextInt(GROUPS);
      if (live.contains(g) && live.size() > 1 && rnd.nextBoolean()) {
        groups.leave(g);
        live.remove(g);
      } else if (!live.contains(g)) {
        groups.join(g);
        live.add(g);
      } else {
        groups.move(rnd.nextInt(SHARDS), g);
      }
    }

    void run() {
      groups.join(1);
      live.add(1);
      List<Client> clients = new ArrayList<>();
      for (int c = 1; c <= CLIENTS; c++) {
        clients.add(new Client(c));
      }
      clients.forEach(c -> at(0, c::startNext));
      for (long t = 0; t < RUN_MILLIS; t += 5) {
        at(t, () -> {
          List<Runnable> actions = groups.possibleActions();
          if (!actions.isEmpty() && rnd.nextInt(3) == 0) {
            actions.get(rnd.nextInt(actions.size())).run();
          }
        });
      }
      for (long t = 300; t < RUN_MILLIS; t += 300) {
        at(t, this::reconfigure);
      }
      for (long t = 0; t < RUN_MILLIS; t += 400) {
        at(t, () -> {
          int g = 1 + rnd.nextInt(GROUPS);
          leader[g] = rnd.nextInt(3);
        });
      }
      while (!queue.isEmpty()) {
        Event e = queue.poll();
        now = e.time;
        e.action.run();
      }
      groups.settle();
    }
  }

  @Test
  void everyCompletedAppendAppearsExactlyOnceIndefiniteAtMostOnceFailedNever() {
    int completed = 0;
    int indefinite = 0;
    for (long seed = 1; seed <= 4; seed++) {
      World w = new World(seed);
      w.run();
      TreeMap<String, Integer> seen = new TreeMap<>();
      Pattern piece = Pattern.compile("<\\d+\\.\\d+>");
      for (int k = 0; k < KEYS; k++) {
        KvResult r = w.groups.client(999, k + 1, new KvOp.Get("key" + k));
        if (r.status() == Status.OK) {
          Matcher m = piece.matcher(r.value());
          while (m.find()) {
            seen.merge(m.group(), 1, Integer::sum);
          }
        }
      }
      for (var e : w.outcomes.entrySet()) {
        int times = seen.getOrDefault(e.getKey(), 0);
        switch (e.getValue()) {
          case COMPLETED -> assertEquals(1, times, "seed " + seed + " completed " + e.getKey());
          case INDEFINITE -> assertTrue(times <= 1, "seed " + seed + " indefinite " + e.getKey());
          case FAILED -> assertEquals(0, times, "seed " + seed + " failed " + e.getKey());
          default -> throw new AssertionError();
        }
      }
      for (String p : seen.keySet()) {
        assertTrue(w.outcomes.containsKey(p), "seed " + seed + ": unknown piece " + p);
      }
      completed += (int) w.outcomes.values().stream().filter(k -> k == CallOutcome.Kind.COMPLETED).count();
      indefinite += (int) w.outcomes.values().stream().filter(k -> k == CallOutcome.Kind.INDEFINITE).count();
    }
    assertTrue(completed > 1000, "the clients made progress: " + completed + " completed");
    System.out.println("routed clients: " + completed + " completed, " + indefinite + " indefinite");
  }
}
