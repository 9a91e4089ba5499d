package io.shardkv.driver.client;

import io.shardkv.driver.protocol.CallFailedException;
import io.shardkv.driver.protocol.Configuration;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ShardKvClient.Environment} with a virtual clock and scripted servers: the config center
 * answers every QUERY at once with one group ({@link #GROUP}) owning every shard, and every STATUS
 * with its members ({@link #CONFIG_CENTER}); every other request is answered by the {@link Script},
 * which also says how much virtual time passes before its answer.
 * Sleeps advance the clock. No thread ever blocks.
 */
final class ScriptedEnvironment implements ShardKvClient.Environment {
  static final List<String> CONFIG_CENTER = List.of("center:1");
  static final List<String> GROUP = List.of("g1:1", "g1:2", "g1:3");
  static final long START = 10_000;

  /** What one send saw: when, to whom, with what timeout. */
  record Sent(long at, String server, Request request, Duration timeout) {}

  /** The answer to a send: after {@code delayMillis} of virtual time, a response or a failure. */
  record Answer(long delayMillis, Response response, CallFailedException failure) {
    static Answer after(long delayMillis, Response r) {
      return new Answer(delayMillis, r, null);
    }

    static Answer failing(long delayMillis, CallFailedException.Kind kind) {
      return new Answer(delayMillis, null, new CallFailedException(kind, "scripted " + kind, null));
    }
  }

  interface Script {
    Answer answer(Sent sent);
  }

  private final Script script;
  final List<Sent> sent = new ArrayList<>();
  long now = START;
  /** Every sleep throws InterruptedException (as if the caller's thread were interrupted). */
  boolean interruptSleeps;

  ScriptedEnvironment(Script script) {
    this.script = script;
  }

  @Override
  public synchronized CompletableFuture<Response> send(String server, Request request, Duration timeout) {
    if (request instanceof Request.Query) {
      return CompletableFuture.completedFuture(new Response(FrameType.QUERY, Status.OK, new Result.Config(config())));
    }
    if (request instanceof Request.NodeStatus && CONFIG_CENTER.contains(server)) {
      // The session asks the first config-center node that answers for the center's members.
      return CompletableFuture.completedFuture(new Response(FrameType.STATUS, Status.OK,
          Result.Info.of(java.util.Map.of("members", String.join(",", CONFIG_CENTER)))));
    }
    Sent s = new Sent(now, server, request, timeout);
    sent.add(s);
    Answer a = script.answer(s);
    now += a.delayMillis();
    return a.failure() != null ? CompletableFuture.failedFuture(a.failure()) : CompletableFuture.completedFuture(a.response());
  }

  @Override
  public synchronized long nowMillis() {
    return now;
  }

  @Override
  public synchronized void sleep(long millis) throws InterruptedException {
    if (interruptSleeps) throw new InterruptedException("scripted interrupt");
    if (millis > 0) now += millis;
  }

  private static Configuration config() {
    int[] shards = new int[16];
    Arrays.fill(shards, 1);
    TreeMap<Integer, List<String>> groups = new TreeMap<>();
    groups.put(1, GROUP);
    return new Configuration(1, shards, groups);
  }

  static Response wrongLeader(Request r) {
    return Response.wrongLeader(r.frameType(), -1, "");
  }

  static Response ok(Request r) {
    return Response.ok(r.frameType());
  }
}
