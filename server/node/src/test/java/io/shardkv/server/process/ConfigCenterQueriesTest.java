package io.shardkv.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardkv.driver.protocol.Configuration;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.Status;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.net.Connection;
import io.shardkv.server.net.ConnectionOptions;
import io.shardkv.server.net.EventLoop;
import io.shardkv.server.net.Listener;
import io.shardkv.server.net.RequestDispatcher;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A server's config-center queries (ConfigCenterQueries) follow the leader wherever it is and are shared by its groups. */
class ConfigCenterQueriesTest {

  /** A config-center server: the leader answers QUERY with configuration 7, a follower names the leader. */
  private static final class CenterServer implements AutoCloseable {
    final EventLoop loop;
    final Listener listener;
    volatile String leaderAddress; // null: this one leads
    final java.util.concurrent.atomic.AtomicInteger queries = new java.util.concurrent.atomic.AtomicInteger();
    /** Each answer waits for this (tests hold a query in flight). */
    volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);
    volatile String removedKnowing; // non-null: removed, knows no leader; STATUS reports these members

    CenterServer() throws Exception {
      loop = EventLoop.start("center");
      listener = loop.listen(new InetSocketAddress("127.0.0.1", 0), ConnectionOptions.DEFAULT,
          new RequestDispatcher(this::answer, null), 100);
    }

    String address() {
      InetSocketAddress a = (InetSocketAddress) listener.localAddress();
      return "127.0.0.1:" + a.getPort();
    }

    private void answer(Connection c, long id, Request r) {
      queries.incrementAndGet();
      try {
        gate.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (removedKnowing != null) {
        RequestDispatcher.reply(c, id, r instanceof Request.NodeStatus
            ? new Response(FrameType.STATUS, Status.OK, Result.Info.of(java.util.Map.of("group", "0", "members", removedKnowing)))
            : Response.wrongLeader(r.frameType(), -1, ""));
      } else if (leaderAddress != null) {
        RequestDispatcher.reply(c, id, Response.wrongLeader(FrameType.QUERY, 9, leaderAddress));
      } else {
        TreeMap<Integer, List<String>> groups = new TreeMap<>();
        groups.put(1, List.of("127.0.0.1:1"));
        RequestDispatcher.reply(c, id, new Response(FrameType.QUERY, Status.OK,
            new Result.Config(new Configuration(7, new int[] {1, 1}, groups))));
      }
    }

    @Override
    public void close() { loop.close(); }
  }

  /**
   * sim shardkv --membership seed 1: a config-center member added by a membership change leads, and
   * it is not among the addresses of the config file; the members that are answer WRONG_LEADER
   * naming it. The queries must go there (before: only hints within the list were followed, so no
   * shard group learnt another configuration while it led).
   */
  @Test
  void aLeaderHintOutsideTheConfiguredAddressesIsFollowed() throws Exception {
    try (CenterServer follower = new CenterServer(); CenterServer added = new CenterServer()) {
      follower.leaderAddress = added.address();
      LinkedBlockingQueue<ShardConfig> delivered = new LinkedBlockingQueue<>();
      java.util.function.Consumer<ShardConfig> asker = delivered::add; // one asker, the same instance each round
      try (ConfigCenterQueries q = new ConfigCenterQueries(List.of(follower.address()), Runnable::run)) {
        ShardConfig got = null;
        for (int i = 0; i < 50 && got == null; i++) {
          q.fetch(-1, asker);
          got = delivered.poll(100, TimeUnit.MILLISECONDS);
        }
        assertEquals(7, got == null ? -1 : got.num(), "the added leader's configuration was fetched");
      }
    }
  }

  /**
   * The shard groups of one server share the queries: groups asking for the same configuration while
   * a QUERY is out are answered together by one more QUERY, not one each.
   */
  @Test
  void groupsAskingForTheSameConfigurationShareOneQuery() throws Exception {
    try (CenterServer center = new CenterServer()) {
      center.gate = new java.util.concurrent.CountDownLatch(1);
      List<LinkedBlockingQueue<ShardConfig>> got = List.of(new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>(),
          new LinkedBlockingQueue<>());
      List<java.util.function.Consumer<ShardConfig>> groups = got.stream()
          .map(q -> (java.util.function.Consumer<ShardConfig>) q::add).toList();
      try (ConfigCenterQueries q = new ConfigCenterQueries(List.of(center.address()), Runnable::run)) {
        q.fetch(7, groups.get(0));
        for (int i = 0; i < 100 && center.queries.get() == 0; i++) Thread.sleep(20);
        assertEquals(1, center.queries.get(), "the first QUERY is out (and held)");
        for (int round = 0; round < 3; round++) {
          for (var g : groups) q.fetch(7, g); // every group asks again on each of its rounds
        }
        center.gate.countDown();
        for (var g : got) assertEquals(7, g.poll(5, TimeUnit.SECONDS).num());
        Thread.sleep(200);
        assertEquals(2, center.queries.get(), "one QUERY for the first asker, one for all who asked meanwhile");
      }
    }
  }

  /**
   * sim shardkv --membership seed 5847: every config-center server of the config file was removed
   * (still running: it hears from no leader, so answers WRONG_LEADER without a hint). Out of leads,
   * the queries ask one for the members it knows and find the current leader through them.
   */
  @Test
  void removedMembersWithoutAHintLeadToTheCurrentOnesThroughTheirMembers() throws Exception {
    try (CenterServer removed1 = new CenterServer(); CenterServer removed2 = new CenterServer();
         CenterServer added = new CenterServer()) {
      removed1.removedKnowing = added.address();
      removed2.removedKnowing = removed1.address() + "," + added.address();
      LinkedBlockingQueue<ShardConfig> delivered = new LinkedBlockingQueue<>();
      java.util.function.Consumer<ShardConfig> asker = delivered::add; // one asker, the same instance each round
      try (ConfigCenterQueries q = new ConfigCenterQueries(List.of(removed1.address(), removed2.address()),
          Runnable::run)) {
        ShardConfig got = null;
        for (int i = 0; i < 50 && got == null; i++) {
          q.fetch(-1, asker);
          got = delivered.poll(100, TimeUnit.MILLISECONDS);
        }
        assertEquals(7, got == null ? -1 : got.num(), "the current leader's configuration was fetched");
      }
    }
  }

  /**
   * Issue 13: a leader's planner asks for the next configuration every round (50 ms). Once the config
   * center answered that number with an older configuration (nothing new yet), the number is not
   * asked again for a while: those rounds get no answer (no answer is fine), the config center half
   * the QUERYs per group. After the pause it is asked again; other numbers are asked at once.
   */
  @Test
  void aConfigurationTheCenterDoesNotHaveYetIsNotAskedAgainRightAway() throws Exception {
    try (CenterServer center = new CenterServer()) { // its latest configuration is 7
      java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
      LinkedBlockingQueue<ShardConfig> delivered = new LinkedBlockingQueue<>();
      java.util.function.Consumer<ShardConfig> asker = delivered::add;
      try (ConfigCenterQueries q = new ConfigCenterQueries(List.of(center.address()), Runnable::run, now::get)) {
        q.fetch(8, asker);
        assertEquals(7, delivered.poll(5, TimeUnit.SECONDS).num(), "answered with the latest, older one");
        q.fetch(8, asker); // the next planner round
        q.fetch(9, asker); // another number is asked at once
        assertEquals(7, delivered.poll(5, TimeUnit.SECONDS).num());
        now.addAndGet(ConfigCenterQueries.NO_NEWS_QUIET_NANOS - 1);
        q.fetch(8, asker);
        Thread.sleep(200);
        assertEquals(2, center.queries.get(), "8 was not asked again within the pause");
        now.addAndGet(1);
        q.fetch(8, asker);
        assertEquals(7, delivered.poll(5, TimeUnit.SECONDS).num());
        assertEquals(3, center.queries.get(), "after the pause 8 is asked again");
        q.fetch(7, asker);
        assertEquals(7, delivered.poll(5, TimeUnit.SECONDS).num());
        q.fetch(7, asker);
        assertEquals(7, delivered.poll(5, TimeUnit.SECONDS).num());
        assertEquals(5, center.queries.get(), "a configuration that exists is asked for every time");
      }
    }
  }

  @Test
  void aBackstopQueryIsNotRepeatedWithinItsQuietTimeWhateverTheAnswer() throws Exception {
    try (CenterServer center = new CenterServer()) { // its latest configuration is 7
      java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
      LinkedBlockingQueue<ShardConfig> delivered = new LinkedBlockingQueue<>();
      java.util.function.Consumer<ShardConfig> asker = delivered::add;
      long quiet = 10 * ConfigCenterQueries.NO_NEWS_QUIET_NANOS;
      try (ConfigCenterQueries q = new ConfigCenterQueries(List.of(center.address()), Runnable::run, now::get)) {
        q.fetch(8, asker, quiet);
        assertEquals(7, delivered.poll(5, TimeUnit.SECONDS).num());
        now.addAndGet(ConfigCenterQueries.NO_NEWS_QUIET_NANOS); // past the "not yet" pause
        q.fetch(8, asker, quiet);
        q.fetch(7, asker, quiet); // an existing configuration is quiet too: the caller has another source
        q.fetch(7, asker, quiet);
        assertEquals(7, delivered.poll(5, TimeUnit.SECONDS).num());
        Thread.sleep(200);
        assertEquals(2, center.queries.get(), "8 once, 7 once");
        now.addAndGet(quiet);
        q.fetch(8, asker, quiet);
        assertEquals(7, delivered.poll(5, TimeUnit.SECONDS).num());
        assertEquals(3, center.queries.get(), "after its quiet time 8 is asked again");
      }
    }
  }
}
