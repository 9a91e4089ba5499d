package io.shardkv.server.frontdoor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.driver.client.Wiring;
import io.shardkv.driver.protocol.FrameType;
import io.shardkv.driver.protocol.Request;
import io.shardkv.driver.protocol.Response;
import io.shardkv.driver.protocol.Result;
import io.shardkv.driver.routing.Status;
import io.shardkv.driver.routing.ShardConfig;
import io.shardkv.server.configcenter.ConfigCenterCodec;
import io.shardkv.server.configcenter.ConfigCenterCommand;
import io.shardkv.server.configcenter.ConfigCenterOp;
import io.shardkv.server.configcenter.ConfigCenterResult;
import io.shardkv.server.kv.KvCodec;
import io.shardkv.server.kv.KvCommand;
import io.shardkv.server.kv.KvOp;
import io.shardkv.server.kv.KvResult;
import io.shardkv.server.replica.ClientReply;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The front door shared by the real server and the simulator's server node: which wire request
 * becomes which service command, and which host reply becomes which wire response.
 */
class FrontDoorTest {
  private static final Map<Integer, String> ADDRESSES = Map.of(4, "10.0.0.4:7000");
  private final FrontDoor kv = new FrontDoor(FrontDoor.Kind.KEY_VALUE, 3, 1, ADDRESSES::get, null);
  private final FrontDoor center = new FrontDoor(FrontDoor.Kind.CONFIG_CENTER, 0, 0, ADDRESSES::get, null);

  private static byte[] command(FrontDoor.Admission a) {
    return assertInstanceOf(FrontDoor.Admission.Command.class, a).command();
  }

  private static Response answer(FrontDoor.Admission a) {
    return assertInstanceOf(FrontDoor.Admission.Answer.class, a).response();
  }

  @Test
  void eachKeyValueRequestBecomesTheCommandWithTheClientsIdAndSeq() {
    assertEquals(new KvCommand(7, 1, new KvOp.Get("k")), KvCodec.decodeCommand(command(kv.admit(new Request.Get(7, 1, "k")))));
    assertEquals(new KvCommand(7, 2, new KvOp.Put("k", "v")),
        KvCodec.decodeCommand(command(kv.admit(new Request.Put(7, 2, "k", "v")))));
    assertEquals(new KvCommand(7, 3, new KvOp.Append("k", "+")),
        KvCodec.decodeCommand(command(kv.admit(new Request.Append(7, 3, "k", "+")))));
    assertEquals(new KvCommand(7, 4, new KvOp.Cas("k", null, "v")),
        KvCodec.decodeCommand(command(kv.admit(new Request.Cas(7, 4, "k", null, "v")))));
    assertEquals(new KvCommand(7, 5, new KvOp.Delete("k")),
        KvCodec.decodeCommand(command(kv.admit(new Request.Delete(7, 5, "k")))));
  }

  @Test
  void eachConfigCenterRequestBecomesItsCommandAndAQueryNeedsNoClientId() {
    TreeMap<Integer, List<String>> groups = new TreeMap<>(Map.of(1, List.of("a:1")));
    assertEquals(new ConfigCenterCommand(7, 1, new ConfigCenterOp.Join(groups)),
        ConfigCenterCodec.decodeCommand(command(center.admit(new Request.Join(7, 1, groups)))));
    assertEquals(new ConfigCenterCommand(7, 2, new ConfigCenterOp.Leave(List.of(1))),
        ConfigCenterCodec.decodeCommand(command(center.admit(new Request.Leave(7, 2, List.of(1))))));
    assertEquals(new ConfigCenterCommand(7, 3, new ConfigCenterOp.Move(5, 1)),
        ConfigCenterCodec.decodeCommand(command(center.admit(new Request.Move(7, 3, 5, 1)))));
    assertEquals(new ConfigCenterCommand(0, 0, new ConfigCenterOp.Query(-1)),
        ConfigCenterCodec.decodeCommand(command(center.admit(new Request.Query(Request.Query.LATEST)))));
  }

  @Test
  void aRequestForTheOtherKindOfNodeIsADefiniteBadRequestSayingWhereToGo() {
    Response r = answer(kv.admit(new Request.Query(Request.Query.LATEST)));
    assertEquals(Status.BAD_REQUEST, r.status());
    assertTrue(((Result.Text) r.result()).message().contains("goes to a config-center node (group 0)"), r.toString());
    r = answer(center.admit(new Request.Put(7, 1, "k", "v")));
    assertEquals(Status.BAD_REQUEST, r.status());
    assertTrue(((Result.Text) r.result()).message().contains("goes to a shard-group node"), r.toString());
    r = answer(center.admit(new Request.Query((long) Integer.MAX_VALUE + 1)));
    assertEquals(Status.BAD_REQUEST, r.status());
    assertTrue(((Result.Text) r.result()).message().contains("out of range"), r.toString());
  }

  @Test
  void notLeaderIsWrongLeaderWithTheLeadersAddressWhenKnown() {
    assertEquals(Response.wrongLeader(FrameType.PUT, 4, "10.0.0.4:7000"),
        kv.respond(FrameType.PUT, new ClientReply.NotLeader(1, 4)));
    assertEquals(Response.wrongLeader(FrameType.PUT, -1, ""), kv.respond(FrameType.PUT, new ClientReply.NotLeader(1, -1)));
    assertEquals(Response.wrongLeader(FrameType.GET, -1, ""), kv.respond(FrameType.GET, new ClientReply.NotLeader(1, 9)),
        "a node id without a known address gives no hint");
  }

  @Test
  void indeterminateIsTimeoutCarryingTheReason() {
    assertEquals(Response.error(FrameType.APPEND, Status.TIMEOUT, "leadership lost"),
        kv.respond(FrameType.APPEND, new ClientReply.Indeterminate(1, "leadership lost")));
  }

  @Test
  void keyValueResultsMapOntoTheirWireAnswers() {
    assertEquals(Response.value("v"), kv.respond(FrameType.GET, result(new KvResult(Status.OK, "v"))));
    assertEquals(Response.ok(FrameType.PUT), kv.respond(FrameType.PUT, result(KvResult.of(Status.OK))));
    assertEquals(Response.notFound(FrameType.GET), kv.respond(FrameType.GET, result(KvResult.of(Status.NOT_FOUND))));
    assertEquals(Response.casMismatch("old"),
        kv.respond(FrameType.CAS, result(new KvResult(Status.CAS_MISMATCH, "old"))));
    assertEquals(Response.wrongGroup(FrameType.PUT, -1),
        kv.respond(FrameType.PUT, result(KvResult.of(Status.WRONG_GROUP))));
    // The result of an old request is no longer known: indefinite, so SERVER_ERROR (retried like TIMEOUT).
    Response stale = kv.respond(FrameType.APPEND, result(KvResult.of(Status.STALE_REQUEST)));
    assertEquals(Status.SERVER_ERROR, stale.status());
    assertEquals(Status.TIMEOUT, stale.status().retryAs());
    assertEquals(Status.BAD_REQUEST,
        kv.respond(FrameType.PUT, result(new KvResult(Status.BAD_REQUEST, "bad"))).status());
    // A migration or config command that did not apply now: a definite refusal, BAD_REQUEST.
    assertEquals(Status.BAD_REQUEST, kv.respond(FrameType.PUT, result(KvResult.of(Status.REJECTED))).status());
  }

  @Test
  void aQueryAnswersTheConfigurationAndOtherConfigCenterWritesJustOk() {
    ShardConfig c = ShardConfig.initial(4);
    byte[] query = ConfigCenterCodec.encodeResult(new ConfigCenterResult(Status.OK, c, null));
    assertEquals(new Response(FrameType.QUERY, Status.OK, new Result.Config(Wiring.toConfiguration(c))),
        center.respond(FrameType.QUERY, new ClientReply.Result(1, query)));
    assertEquals(Response.ok(FrameType.JOIN),
        center.respond(FrameType.JOIN, new ClientReply.Result(1, ConfigCenterCodec.encodeResult(ConfigCenterResult.ok()))));
    Response bad = center.respond(FrameType.MOVE,
        new ClientReply.Result(1, ConfigCenterCodec.encodeResult(ConfigCenterResult.bad("no such group"))));
    assertEquals(Response.error(FrameType.MOVE, Status.BAD_REQUEST, "no such group"), bad);
  }

  @Test
  void withDedupDisabledOnlyWritesGetAFreshClientIdAndTheConfigCenterIsNeverAffected() {
    long[] next = {1000};
    FrontDoor unsafe = new FrontDoor(FrontDoor.Kind.KEY_VALUE, 3, 1, ADDRESSES::get, () -> next[0]++);
    assertTrue(unsafe.dedupDisabled());
    assertEquals(new KvCommand(1000, 1, new KvOp.Append("k", "+")),
        KvCodec.decodeCommand(command(unsafe.admit(new Request.Append(7, 9, "k", "+")))));
    assertEquals(new KvCommand(1001, 1, new KvOp.Append("k", "+")),
        KvCodec.decodeCommand(command(unsafe.admit(new Request.Append(7, 9, "k", "+")))), "a retry looks new");
    assertEquals(new KvCommand(7, 10, new KvOp.Get("k")),
        KvCodec.decodeCommand(command(unsafe.admit(new Request.Get(7, 10, "k")))), "reads keep their ids");
    FrontDoor centerUnsafe = new FrontDoor(FrontDoor.Kind.CONFIG_CENTER, 0, 0, ADDRESSES::get, () -> next[0]++);
    assertTrue(!centerUnsafe.dedupDisabled(), "the config center always deduplicates");
  }

  private static ClientReply.Result result(KvResult r) {
    return new ClientReply.Result(1, KvCodec.encodeResult(r));
  }
}
