package io.shardkv.chaos.nemesis;

import io.shardkv.chaos.db.Db;
import io.shardkv.chaos.history.Edn;
import io.shardkv.chaos.history.Op;
import io.shardkv.chaos.nemesis.ClusterStatus.Replica;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The I/O of the {@code vote-strike} nemesis (the schedule and why: {@link VoteStrike}), run by
 * {@link PowerNemesis} for its map-valued ops:
 * <ul>
 *   <li>{@code :lose-power {:when :election :commits N :watch-ms W :slow-ms S :elect-ms E}}: waits (up
 *       to W ms) for a shard group that committed N entries, slows its voter's disk by S ms per fsync,
 *       kills its leader's host, watches (up to E ms) for the election, then at once cuts the voter's
 *       power and pauses the winner's host. The completion says what it saw ({@code :saw}: {@code nil}
 *       no busy group, {@code :no-aim} not three members answering, {@code :no-election},
 *       {@code :swapped} the slow voter won, {@code :elected} struck) and what each host lost.</li>
 *   <li>{@code :restore-power {:after :election :wait-ms W :settle-ms S}}: speeds the voter's disk up
 *       again, starts the voter's and the old leader's hosts, waits (up to W ms) for the group's next
 *       leader ({@code :second} {@code :same-term}, {@code :earlier-term} or {@code :later-term}), lets
 *       it serve S ms, resumes the winner's host and, unless the winner leads again, asks the group's
 *       leader to hand leadership to it ({@code :transfer}).</li>
 * </ul>
 * Not thread-safe: the nemesis thread's ops run one at a time.
 */
final class ElectionStrike {
  /** How often the election watch polls {@code /status} (the winner may lead for only one election timeout). */
  static final long FAST_POLL_MILLIS = 20;

  private final NemesisContext ctx;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  /** The last strike's aim, until its restore; null when none is pending. */
  private VoteStrike.Aim aim;
  /** The election it saw, when it struck (its winner's host is paused); else null. */
  private VoteStrike.Election struck;
  /** Whether the aim's voter disk may still be slow. */
  private boolean slow;

  ElectionStrike(NemesisContext ctx) {
    this.ctx = ctx;
  }

  Op strike(Op op, Map<?, ?> m) {
    long commits = PowerNemesis.num(m.get(Edn.kw("commits")), 20);
    long watchMs = PowerNemesis.num(m.get(Edn.kw("watch-ms")), 30_000);
    long slowMs = PowerNemesis.num(m.get(Edn.kw("slow-ms")), 4_000);
    long electMs = PowerNemesis.num(m.get(Edn.kw("elect-ms")), 20_000);
    // A correct voter answers nothing before its slow flush, and each of W's re-campaigns writes anew,
    // so its election may not end while the disk is slow: after this long the disk gets its speed back
    // (the strike then still comes, and a correct server must still give no second leader of the term).
    long slowForMs = PowerNemesis.num(m.get(Edn.kw("slow-for-ms")), 3 * slowMs);
    undo(); // a strike whose restore never came (should not happen: the generator alternates)
    PowerStrike.BusyWatch watch = new PowerStrike.BusyWatch(commits);
    long deadline = System.nanoTime() + watchMs * 1_000_000;
    PowerStrike.Plan plan = null;
    VoteStrike.Aim found = null;
    while (found == null && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      List<Replica> poll = ctx.status().poll();
      PowerStrike.Plan p = watch.observe(poll, ctx.nodes());
      plan = p == null ? plan : p;
      // A busy group whose three members do not all answer yet (hosts still booting) is watched on.
      found = p == null ? null : VoteStrike.aim(p, poll, ctx.nodes());
      if (found == null) {
        PowerNemesis.sleep(PowerNemesis.POLL_MILLIS);
      }
    }
    if (plan == null) {
      ctx.log().accept("nemesis: vote strike: no shard group committed " + commits + " entries within " + watchMs + " ms; nothing struck");
      return op.withValue(Edn.map("when", Edn.kw("election"), "saw", null));
    }
    VoteStrike.Aim a = found;
    if (a == null) {
      ctx.log().accept("nemesis: vote strike: group " + plan.group() + " did not show a leader and two followers on three hosts; nothing struck");
      return op.withValue(Edn.map("when", Edn.kw("election"), "saw", Edn.kw("no-aim"), "group", (long) plan.group()));
    }
    Db db = ctx.db();
    aim = a;
    slow = true;
    String disk = db.slowDisk(a.voterHost(), slowMs);
    db.kill(a.leaderHost());
    long t0 = System.nanoTime();
    long electDeadline = t0 + electMs * 1_000_000;
    VoteStrike.Election e = null;
    Long spedUp = null;
    while (e == null && System.nanoTime() < electDeadline && !Thread.currentThread().isInterrupted()) {
      e = VoteStrike.elected(a, ctx.status().poll());
      if (e == null) {
        PowerNemesis.sleep(FAST_POLL_MILLIS);
        if (spedUp == null && System.nanoTime() - t0 >= slowForMs * 1_000_000) {
          db.slowDisk(a.voterHost(), 0);
          spedUp = (System.nanoTime() - t0) / 1_000_000;
        }
      }
    }
    long seenMs = (System.nanoTime() - t0) / 1_000_000;
    Map<Object, Object> v = aimed(a);
    v.put(Edn.kw("slow"), disk);
    if (spedUp != null) {
      v.put(Edn.kw("sped-up-ms"), spedUp);
    }
    if (e == null || !e.asAimed()) {
      db.slowDisk(a.voterHost(), 0);
      slow = false;
      v.put(Edn.kw("saw"), Edn.kw(e == null ? "no-election" : "swapped"));
      if (e != null) {
        v.put(Edn.kw("term"), e.term());
      }
      ctx.log().accept("nemesis: vote strike on group " + a.group() + ": leader's host " + a.leaderHost() + " killed; "
          + (e == null ? "no election seen within " + electMs + " ms" : "the slow voter " + a.voterHost() + " won term " + e.term())
          + "; nothing struck");
      return op.withValue(v).with("nodes", List.of(a.leaderHost()));
    }
    Map<String, Object> lost = new TreeMap<>();
    NemesisContext.onNodes(List.of(a.voterHost(), a.winnerHost()), n -> {
      Object what;
      if (n.equals(a.voterHost())) {
        what = db.losePower(n);
      } else {
        db.pause(n);
        what = Edn.kw("paused");
      }
      synchronized (lost) {
        lost.put(n, what);
      }
    });
    struck = e;
    slow = false; // the power loss mounted the voter's data again, at normal speed
    v.put(Edn.kw("saw"), Edn.kw("elected"));
    v.put(Edn.kw("term"), e.term());
    v.put(Edn.kw("elected-ms"), seenMs);
    v.put(Edn.kw("lost"), lost);
    ctx.log().accept("nemesis: vote strike on group " + a.group() + ": leader's host " + a.leaderHost() + " killed (term " + a.term()
        + "); " + a.winnerHost() + " won term " + e.term() + " after " + seenMs + " ms; voter " + a.voterHost() + " lost power, "
        + a.winnerHost() + " paused -> " + lost);
    return op.withValue(v).with("nodes", List.of(a.leaderHost(), a.voterHost(), a.winnerHost()));
  }

  Op restore(Op op, Map<?, ?> m) {
    long waitMs = PowerNemesis.num(m.get(Edn.kw("wait-ms")), 30_000);
    long settleMs = PowerNemesis.num(m.get(Edn.kw("settle-ms")), 2_000);
    VoteStrike.Aim a = aim;
    VoteStrike.Election e = struck;
    if (a == null) {
      NemesisContext.onNodes(ctx.nodes(), n -> ctx.db().start(n));
      return op.withValue(Edn.map("after", Edn.kw("election"), "struck", false)).with("nodes", ctx.nodes());
    }
    Db db = ctx.db();
    if (slow) {
      db.slowDisk(a.voterHost(), 0);
      slow = false;
    }
    NemesisContext.onNodes(List.of(a.voterHost(), a.leaderHost()), db::start);
    Map<Object, Object> v = aimed(a);
    v.put(Edn.kw("after"), Edn.kw("election"));
    if (e == null) {
      aim = null;
      ctx.log().accept("nemesis: vote restore: started " + a.voterHost() + " and " + a.leaderHost() + " (nothing was struck)");
      return op.withValue(v).with("nodes", List.of(a.voterHost(), a.leaderHost()));
    }
    long t0 = System.nanoTime();
    long deadline = t0 + waitMs * 1_000_000;
    VoteStrike.Second second = null;
    List<Replica> poll = List.of();
    while (second == null && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      poll = ctx.status().poll();
      second = VoteStrike.second(a, e, poll);
      if (second == null) {
        PowerNemesis.sleep(PowerNemesis.POLL_MILLIS);
      }
    }
    v.put(Edn.kw("term"), e.term());
    v.put(Edn.kw("second"), second == null ? null : Edn.kw(second.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
    if (second != null) {
      v.put(Edn.kw("second-ms"), (System.nanoTime() - t0) / 1_000_000);
      PowerNemesis.sleep(settleMs);
    }
    db.resume(a.winnerHost());
    struck = null;
    aim = null;
    v.put(Edn.kw("transfer"), transferToWinner(a, e));
    ctx.log().accept("nemesis: vote restore on group " + a.group() + ": " + a.voterHost() + ", " + a.leaderHost() + " started; next leader "
        + (second == null ? "not seen within " + waitMs + " ms" : second + " (winner's term " + e.term() + ")") + "; " + a.winnerHost()
        + " resumed; transfer " + v.get(Edn.kw("transfer")));
    return op.withValue(v).with("nodes", List.of(a.voterHost(), a.leaderHost(), a.winnerHost()));
  }

  /**
   * Makes the resumed winner lead its group again, so that what it applied is what clients read:
   * waits up to 3 s for it to lead; else asks the group's leader to transfer to it (thesis §3.10),
   * once. Returns {@code :leads}, the transfer's answer, or {@code :no-leader}.
   */
  private Object transferToWinner(VoteStrike.Aim a, VoteStrike.Election e) {
    Replica from = null;
    for (int i = 0; i < 30 && !Thread.currentThread().isInterrupted(); i++) {
      List<Replica> poll = ctx.status().poll();
      from = VoteStrike.transferFrom(poll, a.group(), e.winnerHost());
      boolean leads = poll.stream().anyMatch(r -> r.group() == a.group() && r.leader() && r.host().equals(e.winnerHost()));
      if (leads) {
        return Edn.kw("leads");
      }
      PowerNemesis.sleep(PowerNemesis.POLL_MILLIS);
    }
    if (from == null) {
      return Edn.kw("no-leader");
    }
    String url = "http://" + from.admin() + "/transfer-leader?group=" + a.group() + "&to=" + e.winnerNode();
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body().strip();
    } catch (IOException | IllegalArgumentException ex) {
      return "no answer: " + ex.getMessage();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** True while a strike struck and its restore has not run yet. */
  boolean pending() {
    return aim != null && struck != null;
  }

  /** Undoes what a strike left behind: the voter's slow disk, the paused winner; idempotent. */
  void undo() {
    VoteStrike.Aim a = aim;
    VoteStrike.Election e = struck;
    slow = slow && a != null;
    boolean wasSlow = slow;
    slow = false;
    struck = null;
    aim = null;
    try {
      if (wasSlow) {
        ctx.db().slowDisk(a.voterHost(), 0);
      }
    } catch (RuntimeException ex) {
      ctx.log().accept("nemesis: vote strike: could not give " + a.voterHost() + " its disk speed back: " + ex.getMessage());
    }
    if (a != null && e != null) {
      ctx.db().resume(e.winnerHost());
    }
  }

  private static Map<Object, Object> aimed(VoteStrike.Aim a) {
    return Edn.map("when", Edn.kw("election"), "group", (long) a.group(), "old-term", a.term(), "leader", a.leaderHost(),
        "voter", a.voterHost(), "winner", a.winnerHost());
  }
}
